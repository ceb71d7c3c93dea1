import {stat} from 'node:fs/promises'

import {DevCertsError} from '../system/errors.js'
import {readIfExists} from '../system/files.js'

/** A shared file (.env, a shell profile) over this size is not one we edit. */
export const MAX_SHARED_BYTES = 1024 * 1024

/**
 * Reads a file we share with the user as latin1, one char per byte, so that editing our block can never
 * change a byte outside it (invalid UTF-8 included). undefined means the file does not exist yet.
 */
export async function readShared(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined)
  if (info?.isDirectory()) {
    throw new DevCertsError('SHARED_IS_DIR', `${path} is a directory, not a file.`, {
      fix: 'Rename the directory, or set "env": {"file": "…"} in .devcerts.json to another file.',
    })
  }

  if (info && !info.isFile()) {
    throw new DevCertsError('SHARED_NOT_FILE', `${path} is not a regular file (a pipe, socket or device).`, {
      fix: 'Point "env": {"file": "…"} in .devcerts.json at a regular file.',
    })
  }

  if (info && info.size > MAX_SHARED_BYTES) {
    throw new DevCertsError(
      'SHARED_TOO_LARGE',
      `${path} is ${info.size} bytes; dev-certs edits files up to 1 MiB.`,
      {
        fix: 'Point "env.file" in .devcerts.json at a smaller file, or use `dev certs env` to print the lines.',
      },
    )
  }

  const bytes = await readIfExists(path)
  if (!bytes) return undefined
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new DevCertsError(
      'SHARED_UTF16',
      `${path} is encoded as UTF-16, which dotenv loaders cannot read.`,
      {
        fix: 'Save it as UTF-8 (in PowerShell: Set-Content -Encoding utf8), then run setup again.',
      },
    )
  }

  return bytes.toString('latin1')
}

export function toLatin1(utf8: string): string {
  return Buffer.from(utf8, 'utf8').toString('latin1')
}

export function fromLatin1(text: string): Buffer {
  return Buffer.from(text, 'latin1')
}

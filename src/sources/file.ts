import {open, stat} from 'node:fs/promises'

import {IntakeError} from '../certs/intake-error.js'
import {type Fetched, MAX_BODY_BYTES} from './source.js'

/** Reads at most the cap: files in /proc and /sys report a size of 0 and can be endless. */
async function readCapped(path: string): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(MAX_BODY_BYTES + 1)
    let length = 0
    for (;;) {
      const {bytesRead} = await handle.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
      if (length > MAX_BODY_BYTES) {
        throw new IntakeError(
          'SOURCE_FILE',
          `${path} is larger than 1 MiB; a CA file over 1 MiB is not a CA file.`,
        )
      }
    }

    return buffer.subarray(0, length)
  } finally {
    await handle.close()
  }
}

export async function readFileSource(path: string): Promise<Fetched> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new IntakeError(
      'SOURCE_FILE',
      `Cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`,
      {
        fix: 'file: paths are relative to the directory of .devcerts.json; check the path.',
      },
    )
  })
  if (!info.isFile()) throw new IntakeError('SOURCE_FILE', `${path} is not a regular file.`)
  if (info.size > MAX_BODY_BYTES) {
    throw new IntakeError(
      'SOURCE_FILE',
      `${path} is ${info.size} bytes; a CA file over 1 MiB is not a CA file.`,
    )
  }

  return {bytes: await readCapped(path), origin: path}
}

import {readFile, stat} from 'node:fs/promises'

import {IntakeError} from '../certs/intake-error.js'
import {type Fetched, MAX_BODY_BYTES} from './source.js'

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

  return {bytes: await readFile(path), origin: path}
}

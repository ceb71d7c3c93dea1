import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, join} from 'node:path'

/** The absolute path `program` resolves to on PATH, or undefined: a tool that is absent is not an error. */
export function which(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD').split(';') : ['']
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    for (const extension of extensions) {
      const path = join(dir, program + extension)
      try {
        accessSync(path, constants.X_OK)
        if (statSync(path).isFile()) return path
      } catch {
        // not here: try the next directory
      }
    }
  }

  return undefined
}

import {access, constants} from 'node:fs/promises'
import {delimiter, isAbsolute, join} from 'node:path'

/** System tools live in sbin, which a user's PATH often lacks: look there by absolute path, never on PATH. */
export const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin']

export async function findBinary(name: string, dirs = SYSTEM_DIRS): Promise<string | undefined> {
  for (const dir of dirs) {
    const path = join(dir, name)
    const ok = await access(path, constants.X_OK).then(
      () => true,
      () => false,
    )
    if (ok) return path
  }

  return undefined
}

/** A user tool (certutil, keytool) from PATH, as an absolute path so that the plan shows what will run. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => isAbsolute(dir))
  return findBinary(name, dirs)
}

/**
 * A platform tool at its fixed home (`/usr/bin/security`, `System32\certutil.exe`). Off that platform (a test
 * standing in for it with `--store`), the tool comes from PATH instead, still as an absolute path.
 */
export async function platformTool(
  name: string,
  native: {dir: string; platform: NodeJS.Platform},
  context: {env: NodeJS.ProcessEnv; platform: NodeJS.Platform},
): Promise<string | undefined> {
  if (context.platform === native.platform) return findBinary(name, [native.dir])
  return findOnPath(name, context.env)
}

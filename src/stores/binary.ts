import {access, constants} from 'node:fs/promises'
import {join} from 'node:path'

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

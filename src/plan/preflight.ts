import {access, constants, stat} from 'node:fs/promises'
import {dirname} from 'node:path'

import {DevCertsError} from '../system/errors.js'
import {fileError} from '../system/files.js'
import {type HomePaths} from '../system/paths.js'
import {type Step} from './step.js'

/**
 * An explicit DEV_CERTS_HOME whose parent is missing is a typo or an unmounted drive: creating the whole path
 * on the root file system would hide that, so refuse before anything is written.
 */
export async function checkHome(paths: HomePaths, env: NodeJS.ProcessEnv): Promise<void> {
  if (!env.DEV_CERTS_HOME) return
  const parent = dirname(paths.home)
  const info = await stat(parent).catch(() => undefined)
  if (!info?.isDirectory()) {
    throw new DevCertsError(
      'HOME_MISSING',
      `DEV_CERTS_HOME=${paths.home}: its parent ${parent} does not exist.`,
      {
        fix: 'Mount the drive or create the parent directory, or unset DEV_CERTS_HOME to use the default.',
      },
    )
  }
}

/** Checks every user-owned target before the first write, so a read-only or locked file fails with nothing done. */
export async function checkWritable(steps: Step[]): Promise<void> {
  for (const step of steps) {
    if (step.admin || (step.kind !== 'write' && step.kind !== 'remove')) continue
    const exists = await stat(step.path).then(
      () => true,
      () => false,
    )
    const target = exists ? step.path : await nearestExisting(dirname(step.path))
    await access(target, constants.W_OK).catch((error: unknown) => {
      throw fileError(exists ? 'write' : 'create a file in', target, error)
    })
  }
}

/** The deepest of `dir` and its parents that exists (the file system root at worst). */
export async function nearestExisting(dir: string): Promise<string> {
  for (let current = dir; ; current = dirname(current)) {
    const found = await stat(current).then(
      () => true,
      () => false,
    )
    if (found || dirname(current) === current) return current
  }
}

import {access} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {CONFIG_FILE} from './team-config.js'

/** Finds `.devcerts.json` by searching up from `cwd`. Built-ins only: the no-op fast path uses it. */
export async function locateConfig(cwd: string): Promise<string | undefined> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE)
    const found = await access(candidate).then(
      () => true,
      () => false,
    )
    if (found) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

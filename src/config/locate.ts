import {lstat} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {CONFIG_FILE} from './team-config.js'

/** Finds `.devcerts.json` by searching up from `cwd`. Built-ins only: the no-op fast path uses it. */
export async function locateConfig(cwd: string): Promise<string | undefined> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE)
    // lstat, not access: a link that leads nowhere (or to itself) is still the project's config, and
    // reading it then fails with its name, instead of the search going on past it.
    const found = await lstat(candidate).then(
      () => true,
      () => false,
    )
    if (found) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

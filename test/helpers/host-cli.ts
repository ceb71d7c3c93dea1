import {mkdir, symlink} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {REPO} from './cli.js'

export const HOST_DIR = fileURLToPath(new URL('../fixtures/host-cli/', import.meta.url))
export const HOST_BIN = join(HOST_DIR, 'bin', 'run.js')

/** Links this repo into the fixture host CLI as its installed plugin, the way `plugins link` would. */
export async function linkPluginIntoHost(): Promise<void> {
  const scope = join(HOST_DIR, 'node_modules', '@dev-certs')
  await mkdir(scope, {recursive: true})
  await symlink(REPO, join(scope, 'plugin-certs')).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error
  })
}

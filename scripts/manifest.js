// Generates oclif.manifest.json from the compiled commands, without the heavy `oclif` dev package.
import {Plugin} from '@oclif/core'
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const plugin = new Plugin({
  errorOnManifestCreate: true,
  ignoreManifest: true,
  respectNoCacheDefault: true,
  root,
  type: 'core',
})
await plugin.load()
writeFileSync(
  new URL('../oclif.manifest.json', import.meta.url),
  JSON.stringify(plugin.manifest, null, 2) + '\n',
)
console.error(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`)

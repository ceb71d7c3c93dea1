// Bundles what the CLI runs (commands, the setup hook, the fast path) from lib/ into dist/. Loading ~150 small
// ES modules (execa and its dependencies, our own) cost more than the work of a first setup beside the OS tool;
// a few chunks load in a fraction of that. @oclif/core stays outside: a host CLI's Command class must be ours.
import {build} from 'esbuild'
import {readdirSync} from 'node:fs'

const commands = readdirSync('lib/commands/certs')
  .filter((name) => name.endsWith('.js'))
  .map((name) => `lib/commands/certs/${name}`)

const result = await build({
  banner: {
    js: "import {createRequire as devCertsRequire} from 'node:module'; const require = devCertsRequire(import.meta.url);",
  },
  bundle: true,
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints: [...commands, 'lib/hooks/setup.js', 'lib/plan/fast-path.js'],
  external: ['@oclif/core'],
  format: 'esm',
  logLevel: 'warning',
  metafile: true,
  outbase: 'lib',
  outdir: 'dist',
  platform: 'node',
  splitting: true,
  target: 'node20',
})
const outputs = Object.entries(result.metafile.outputs)
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0)
console.error(`dist: ${outputs.length} files, ${Math.round(bytes / 1024)} KiB`)

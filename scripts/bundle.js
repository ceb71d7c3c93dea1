// Bundles what the CLI runs from lib/ into dist/. Loading ~150 small ES modules (execa and its dependencies, our
// own) cost more than the work of a first setup beside the OS tool; a few chunks load in a fraction of that.
// @oclif/core stays outside: a host CLI's Command class must be the one our commands extend.
import {build} from 'esbuild'
import {readdirSync} from 'node:fs'

const commands = readdirSync('lib/commands/certs')
  .filter((name) => name.endsWith('.js'))
  .map((name) => `lib/commands/certs/${name}`)

// CommonJS dependencies (debug, dotenv, node-forge) call require(), which an ES module lacks.
const common = {
  banner: {js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url);"},
  bundle: true,
  format: 'esm',
  logLevel: 'warning',
  metafile: true,
  platform: 'node',
  target: 'node20',
}

// Commands, the hook and the direct setup share chunks.
const main = await build({
  ...common,
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints: [...commands, 'lib/hooks/setup.js', 'lib/cli/setup.js'],
  external: ['@oclif/core'],
  outbase: 'lib',
  outdir: 'dist',
  splitting: true,
})

// The no-op answer runs on every `dev setup`: one file with built-ins only. The direct setup it hands work to
// is the chunked entry above, loaded only then.
const fast = await build({
  ...common,
  entryPoints: ['lib/cli/fast-path.js'],
  external: ['./setup.js'],
  outfile: 'dist/cli/fast-path.js',
})

const outputs = [main, fast].flatMap((result) => Object.values(result.metafile.outputs))
const bytes = outputs.reduce((sum, output) => sum + output.bytes, 0)
console.error(`dist: ${outputs.length} files, ${Math.round(bytes / 1024)} KiB`)

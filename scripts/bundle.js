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
  banner: {
    js: "import {createRequire as bannerRequire} from 'node:module'; const require = bannerRequire(import.meta.url);",
  },
  bundle: true,
  format: 'esm',
  logLevel: 'warning',
  metafile: true,
  platform: 'node',
  target: 'node20',
}

// Commands and the hook's full setup share chunks.
const main = await build({
  ...common,
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints: [...commands, 'lib/plan/setup-run.js', 'lib/system/errors.js'],
  external: ['@oclif/core'],
  outbase: 'lib',
  outdir: 'dist',
  splitting: true,
})

// What bin/run.js runs without oclif (a setup with work to do, the doctor) is a build of its own: split with
// the commands, a setup loaded ~25 files, and resolving each cost about as much as parsing all of them. Here
// the two share a few chunks, and only the code they load on demand (sources, execa) is split off.
const direct = await build({
  ...common,
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints: ['lib/cli/setup.js', 'lib/cli/doctor.js'],
  external: ['@oclif/core'],
  outdir: 'dist/cli',
  splitting: true,
})

// The no-op answers (bin/run.js, and the hook a host fires on every `dev setup`) are one file each, with
// built-ins only. The setup they hand work to is a chunked entry above, loaded only then.
const fast = await build({
  ...common,
  entryPoints: ['lib/cli/fast-path.js'],
  external: ['./setup.js'],
  outfile: 'dist/cli/fast-path.js',
})
const hook = await build({
  ...common,
  entryPoints: ['lib/hooks/setup.js'],
  // The error classes come from the chunks setup-run uses, or `instanceof` would fail across two copies.
  external: ['@oclif/core', '../plan/setup-run.js', '../system/errors.js'],
  outfile: 'dist/hooks/setup.js',
})

const outputs = [main, direct, fast, hook].flatMap((result) => Object.values(result.metafile.outputs))
const bytes = outputs.reduce((sum, output) => sum + output.bytes, 0)
console.error(`dist: ${outputs.length} files, ${Math.round(bytes / 1024)} KiB`)

// Bundles what the CLI runs from lib/ into dist/. Loading ~150 small ES modules (execa and its dependencies, our
// own) cost more than the work of a first setup beside the OS tool; a few chunks load in a fraction of that.
// @oclif/core stays outside: a host CLI's Command class must be the one our commands extend.
import {build} from 'esbuild'
import {execFileSync} from 'node:child_process'
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

// What bin/run.js loads without oclif: CommonJS, which Node can load from a code cache and without its ES module
// loader. import.meta.url and import() of built-ins become what CommonJS has.
const commonJs = {
  ...common,
  banner: {js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;"},
  define: {'import.meta.url': 'importMetaUrl'},
  external: ['@oclif/core'],
  format: 'cjs',
  // A dynamic import() needs a loader hook that a vm.Script lacks; the built-ins it loads are required instead.
  supported: {'dynamic-import': false},
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

// What bin/run.js runs without oclif is built apart from the commands: split with them, a setup loaded ~25 files,
// and resolving each cost about as much as parsing all of them. The doctor keeps its lazy chunks.
const doctor = await build({
  ...common,
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints: ['lib/cli/doctor.js'],
  external: ['@oclif/core'],
  outdir: 'dist/cli',
  splitting: true,
})

// A first setup's code (execa included) is one CommonJS file, so it can load from a V8 code cache made here:
// compiling it was most of its loading time, and Node 20 keeps no cache for ES modules.
const setup = await build({...commonJs, entryPoints: ['lib/cli/setup.js'], outfile: 'dist/cli/setup.cjs'})
execFileSync(process.execPath, ['scripts/code-cache.js', 'dist/cli/setup.cjs'], {stdio: 'inherit'})

// The no-op answers (bin/run.js, and the hook a host fires on every `dev setup`) are one file each, with
// built-ins only. The setup they hand work to is the bundle above, loaded only then. bin/run.js is CommonJS, and
// so is its file: an ES module entry costs Node ~5 ms of loader set-up that neither fast path needs.
const fast = await build({
  ...commonJs,
  entryPoints: ['lib/cli/fast-path.js'],
  outfile: 'dist/cli/fast-path.cjs',
})
const hook = await build({
  ...common,
  entryPoints: ['lib/hooks/setup.js'],
  // The error classes come from the chunks setup-run uses, or `instanceof` would fail across two copies.
  external: ['@oclif/core', '../plan/setup-run.js', '../system/errors.js'],
  outfile: 'dist/hooks/setup.js',
})

const outputs = [main, doctor, setup, fast, hook].flatMap((result) => Object.values(result.metafile.outputs))
const bytes = outputs.reduce((sum, output) => sum + output.bytes, 0)
console.error(`dist: ${outputs.length} files, ${Math.round(bytes / 1024)} KiB`)

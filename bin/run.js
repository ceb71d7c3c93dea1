#!/usr/bin/env node
// `certs setup` runs before oclif loads: a no-op answers from the stamp, and a run with simple flags goes
// straight to the shared setup body. Every `dev setup` pays for this path.
const args = process.argv.slice(2)
const fast = args[0] === 'certs' && args[1] === 'setup' && (await import('../dist/cli/fast-path.js'))
const options = fast && fast.fastSetupArgs(args.slice(2))
const summary = options && (await fast.fastNoop({...options, cwd: process.cwd()}))
if (summary) {
  process.stdout.write(`Nothing to do: ${summary} already set up.\n`)
  process.exit(0)
}

if (options) await fast.directSetup(options)
else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}

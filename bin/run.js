#!/usr/bin/env node
// `certs setup` with nothing to do is answered before oclif loads: every `dev setup` pays for this path.
const args = process.argv.slice(2)
if (args[0] === 'certs' && args[1] === 'setup') {
  const {fastSetupArgs, fastNoop} = await import('../lib/plan/fast-path.js')
  const options = fastSetupArgs(args.slice(2))
  const summary = options && (await fastNoop({...options, cwd: process.cwd()}))
  if (summary) {
    process.stdout.write(`Nothing to do: ${summary} already set up.\n`)
    process.exit(0)
  }
}

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})

#!/usr/bin/env node
// The two commands people run most go without oclif when every flag is a simple one: `certs setup` (a no-op
// answers from the stamp; work goes straight to the shared setup body) and `certs doctor`. Anything else,
// --json and --help included, is oclif's.
const [topic, command, ...rest] = process.argv.slice(2)
let done = false
if (topic === 'certs' && command === 'setup') {
  const fast = await import('../dist/cli/fast-path.js')
  const options = fast.fastSetupArgs(rest)
  const summary = options && (await fast.fastNoop({...options, cwd: process.cwd()}))
  if (summary) {
    process.stdout.write(`Nothing to do: ${summary} already set up.\n`)
    process.exit(0)
  }

  if (options) {
    await fast.directSetup(options)
    done = true
  }
} else if (topic === 'certs' && command === 'doctor') {
  done = await (await import('../dist/cli/doctor.js')).directDoctor(rest)
}

if (!done) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}

#!/usr/bin/env node
// The two commands people run most go without oclif when every flag is a simple one: `certs setup` (a no-op
// answers from the stamp; work goes straight to the shared setup body) and `certs doctor`. Anything else,
// --json and --help included, is oclif's. This file is CommonJS (bin/package.json): an ES module entry costs
// Node ~5 ms of loader set-up, which the no-op answer and a first setup then never pay.
const {join} = require('node:path')

async function main() {
  const [topic, command, ...rest] = process.argv.slice(2)
  if (topic === 'certs' && command === 'setup') {
    const fast = require('../dist/cli/fast-path.cjs')
    const options = fast.fastSetupArgs(rest)
    const summary = options && (await fast.fastNoop({...options, cwd: process.cwd()}))
    if (summary) {
      process.stdout.write(`Nothing to do: ${summary} already set up.\n`)
      process.exit(0)
    }

    if (options) return fast.directSetup(options)
  } else if (topic === 'certs' && command === 'doctor') {
    if (await (await import('../dist/cli/doctor.js')).directDoctor(rest)) return
  }

  const {execute} = await import('@oclif/core')
  // The package root, not this file: oclif takes the nearest package.json for the CLI's, and bin/ has its own.
  await execute({dir: join(__dirname, '..')})
}

main().catch((error) => {
  // What no command expected (a bug, or a broken install): said as oclif says it, and exit 1 whatever Node's
  // --unhandled-rejections mode is.
  const {code, message, stack} = error instanceof Error ? error : {message: String(error)}
  const text = process.env.DEBUG && stack ? stack : `Error: ${message}`
  process.stderr.write(`${text}${code ? `\nCode: ${code}` : ''}\n`)
  process.exitCode = 1
})

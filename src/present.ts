import {type Command} from '@oclif/core'

import {DevCertsError} from './system/errors.js'

/** Shows a DevCertsError as message + fix, with its exit code; anything else is a bug and shows as such. */
export function failWith(command: Command, error: unknown): never {
  if (error instanceof DevCertsError) {
    const fix = error.fix ? `\nFix: ${error.fix}` : ''
    // oclif would wrap the message at 80 columns and split fingerprints; print it whole instead.
    if (command.jsonEnabled()) command.error(`${error.message}${fix}`, {code: error.code, exit: error.exit})
    process.stderr.write(`Error: ${error.message}${fix}\n`)
    command.exit(error.exit)
  }

  throw error
}

export function printWarnings(command: Command, warnings: string[]): void {
  for (const warning of warnings) command.logToStderr(`warning: ${warning}`)
}

export function printManual(command: Command, commands: string[][]): void {
  if (commands.length === 0) return
  command.log('\nRun these admin commands (no terminal for sudo here), then run setup again:')
  for (const argv of commands) command.log(`  ${argv.map((arg) => shellWord(arg)).join(' ')}`)
}

function shellWord(arg: string): string {
  return /^[\w./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
}

import {writeSync} from 'node:fs'

import {DevCertsError} from '../system/errors.js'

/** Where a command's output goes: an oclif Command is one, and so is the direct `certs setup` path. */
export interface Reporter {
  exit(code: number): never
  jsonEnabled(): boolean
  log(message: string): void
  logToStderr(message: string): void
}

/** The Reporter of a run without oclif: plain lines, and no --json (that path never takes it). */
export const processReporter: Reporter = {
  exit: (code) => process.exit(code),
  jsonEnabled: () => false,
  log: (message) => process.stdout.write(`${message}\n`),
  logToStderr: (message) => process.stderr.write(`${message}\n`),
}

/** Shows a DevCertsError as message + fix, with its exit code; anything else is a bug and shows as such. */
export function failWith(command: Reporter, error: unknown): never {
  if (error instanceof DevCertsError) {
    if (command.jsonEnabled()) {
      // The same envelope every --json result has, so a script reads `status` and `exitCode` either way.
      // Written synchronously and exited at once: oclif would print its own error object after ours.
      const envelope = {
        error: {code: error.code, fix: error.fix, message: error.message},
        exitCode: error.exit,
        status: 'error',
      }
      writeSync(1, JSON.stringify(envelope, null, 2) + '\n')
      process.exit(error.exit)
    }

    // oclif would wrap the message at 80 columns and split fingerprints; print it whole instead.
    const fix = error.fix ? `\nFix: ${safe(error.fix)}` : ''
    process.stderr.write(`Error: ${safe(error.message)}${fix}\n`)
    command.exit(error.exit)
  }

  throw error
}

export function printWarnings(command: Reporter, warnings: string[]): void {
  for (const warning of warnings) command.logToStderr(`warning: ${warning}`)
}

export function printManual(command: Reporter, commands: string[][]): void {
  if (commands.length === 0) return
  command.log('\nRun these admin commands (no terminal for sudo here), then run setup again:')
  for (const argv of commands) command.log(`  ${argv.map((arg) => shellWord(arg)).join(' ')}`)
}

function shellWord(arg: string): string {
  return /^[\w./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
}

/** Text from certificates and files reaches the terminal: no escape sequence gets through as is. */
function safe(text: string): string {
  return text.replaceAll(
    /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  )
}

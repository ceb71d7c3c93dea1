/**
 * An error the user can act on: what failed, the input that made it fail, and the fix.
 * `exit` is the process exit code the commands use (1 = error, nothing written).
 */
export class DevCertsError extends Error {
  readonly code: string
  readonly exit: number
  readonly fix?: string

  constructor(code: string, message: string, options: {cause?: unknown; exit?: number; fix?: string} = {}) {
    super(message, {cause: options.cause})
    this.name = 'DevCertsError'
    this.code = code
    this.exit = options.exit ?? 1
    this.fix = options.fix
  }
}

/** A tool we ran failed: the message carries the command, its exit code and its stderr. */
export class CommandError extends DevCertsError {
  readonly argv: readonly string[]
  readonly stderr: string

  constructor(argv: readonly string[], exitCode: number | undefined, output: string, fix?: string) {
    const shown = output.trim() ? `\n${indent(output.trim())}` : ' (no output)'
    super('COMMAND_FAILED', `\`${argv.join(' ')}\` failed with exit code ${exitCode ?? 'unknown'}:${shown}`, {
      fix,
    })
    this.argv = argv
    this.stderr = output
  }
}

export function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n')
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

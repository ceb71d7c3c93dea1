import {Command} from '@oclif/core'

/**
 * What every dev-certs command shares. With --json, oclif would print its own error object (the parser's
 * whole context, package.json included) and exit 1 even for a usage error; ours prints the one envelope every
 * other error has, with exit 2 for usage, as documented.
 */
export abstract class DevCertsCommand extends Command {
  override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    process.exitCode = exitOf(error)
    return super.catch(error)
  }

  protected override toErrorJson(error: unknown): unknown {
    const exitCode = exitOf(error)
    const usage = exitCode === 2
    return {
      error: {
        code: usage ? 'USAGE' : 'INTERNAL',
        fix: usage
          ? `Run \`${this.config.bin} ${this.id?.replaceAll(':', ' ')} --help\` for its flags.`
          : null,
        message: error instanceof Error ? error.message : String(error),
      },
      exitCode,
      status: 'error',
    }
  }
}

function exitOf(error: unknown): number {
  const details = error as {exitCode?: unknown; oclif?: {exit?: unknown}}
  const exit = details?.oclif?.exit ?? details?.exitCode
  return typeof exit === 'number' ? exit : 1
}

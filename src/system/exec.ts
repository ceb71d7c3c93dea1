import {CommandError} from './errors.js'
import {logger} from './log.js'

const log = logger('exec')

export interface ExecResult {
  exitCode: number | undefined
  failed: boolean
  missing: boolean
  stderr: string
  stdout: string
  timedOut: boolean
}

export interface ExecOptions {
  env?: NodeJS.ProcessEnv
  /** When set, the child sees only this env (plus nothing inherited). */
  extendEnv?: boolean
  input?: string
  /** Let the child talk to the terminal (sudo asking for a password). */
  interactive?: boolean
  timeoutMs?: number
}

let execaModule: Promise<typeof import('execa')> | undefined

/**
 * execa is most of the code a setup loads. It comes in when a command is about to run, or earlier, when a
 * caller that will run one calls this first: then it loads while the caller waits on files.
 */
export function prefetchExec(): Promise<unknown> {
  execaModule ??= import('execa')
  return execaModule
}

/** Runs argv without a shell and never throws for a failing command: callers decide. */
export async function exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv
  log('run %o', argv)
  prefetchExec()
  const {execa} = await execaModule!
  const result = await execa(file, args, {
    env: options.env,
    extendEnv: options.extendEnv ?? true,
    input: options.input,
    reject: false,
    stderr: options.interactive ? 'inherit' : 'pipe',
    stdin: options.interactive ? 'inherit' : options.input === undefined ? 'ignore' : undefined,
    timeout: options.timeoutMs ?? 120_000,
  })
  const missing = (result as {code?: string}).code === 'ENOENT'
  log('exit %s%s', result.exitCode, result.timedOut ? ' (timed out)' : '')
  return {
    exitCode: result.exitCode,
    failed: result.failed,
    missing,
    stderr: String(result.stderr ?? ''),
    stdout: String(result.stdout ?? ''),
    timedOut: result.timedOut,
  }
}

/** Runs argv and throws a CommandError (command, exit code, stderr, fix) when it fails. */
export async function run(
  argv: readonly string[],
  options: ExecOptions & {fix?: string} = {},
): Promise<ExecResult> {
  const result = await exec(argv, options)
  if (result.failed) {
    const output = result.missing ? `${argv[0]}: not found` : result.stderr || result.stdout
    throw new CommandError(argv, result.exitCode, output, options.fix)
  }

  return result
}

import {runDoctor} from '../doctor/run-doctor.js'
import {renderReport} from '../doctor/render.js'
import {type DoctorReport} from '../doctor/report.js'
import {defaultDataDir} from '../system/paths.js'
import {flagValue, onceEach} from './argv.js'
import {failWith, processReporter, type Reporter} from './present.js'

/** An hour: more is a typo, and Node's timers overflow past ~24 days. */
export const MAX_TIMEOUT = 3600

export interface DoctorFlags {
  config?: string
  fix?: boolean
  offline?: boolean
  /** Seconds each check (and each client) may take. */
  timeout: number
}

/**
 * The body of `certs doctor`, shared by the oclif command and bin/run.js, which runs it without loading oclif
 * when every flag is one `directDoctorFlags` knows: the same report and exit code either way.
 */
export async function doctorCommand(
  flags: DoctorFlags,
  out: Reporter,
  dataDir: string,
): Promise<DoctorReport> {
  const quiet = out.jsonEnabled()
  const options = {
    configFile: flags.config,
    cwd: process.cwd(),
    dataDir,
    env: process.env,
    offline: Boolean(flags.offline),
    timeoutMs: flags.timeout * 1000,
  }
  const first = await runDoctor(options)
  const {findings} = first
  let {report} = first
  if (flags.fix && findings.some((f) => f.status !== 'ok' && f.repair)) {
    // Setup's modules load only when there is something to fix: the plain doctor stays light.
    const {repair} = await import('../doctor/fix.js')
    const fixed = await repair(findings, {
      ...options,
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
      progress: (line) => quiet || out.logToStderr(`  ${line}`),
    }).catch((error: unknown) => failWith(out, error))
    report = {...(await runDoctor(options)).report, fixed}
  }

  if (!quiet) out.log(renderReport(report, {colour: useColour()}))
  process.exitCode = report.exitCode
  return report
}

/**
 * The doctor's flags when all are simple (--offline, --fix, --config, --timeout with a whole number of
 * seconds); undefined sends the run to oclif, which owns --json, --help and every error message about flags.
 */
export function directDoctorFlags(args: string[]): DoctorFlags | undefined {
  const flags: DoctorFlags = {timeout: 10}
  const seen = new Set<string>()
  for (let i = 0; i < args.length; i++) {
    const config = flagValue(args, i, '--config')
    const timeout = flagValue(args, i, '--timeout')
    if (args[i] === '--offline') flags.offline = true
    else if (args[i] === '--fix') flags.fix = true
    else if (config && onceEach(seen, '--config')) {
      flags.config = config.value
      i = config.next
    } else if (timeout && onceEach(seen, '--timeout') && /^\d+$/.test(timeout.value)) {
      // oclif's integer: digits only (no 1e3, +5, 0x5 or 5.0), at least 1.
      flags.timeout = Number(timeout.value)
      i = timeout.next
    } else return undefined
  }

  return flags.timeout >= 1 && flags.timeout <= MAX_TIMEOUT ? flags : undefined
}

/** bin/run.js: the doctor without oclif, when the flags allow; false when oclif must take the run. */
export async function directDoctor(args: string[]): Promise<boolean> {
  const flags = directDoctorFlags(args)
  if (!flags) return false
  await doctorCommand(flags, processReporter, defaultDataDir())
  return true
}

/** https://no-color.org: a non-empty NO_COLOR wins, then FORCE_COLOR; else colour only on a terminal. */
function useColour(): boolean {
  if (process.env.NO_COLOR) return false
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0'
  return Boolean(process.stdout.isTTY)
}

import {performance} from 'node:perf_hooks'

import {DevCertsError, errorMessage} from '../system/errors.js'
import {logger} from '../system/log.js'
import {type Check} from './check.js'
import {authoritiesCheck} from './checks/authorities.js'
import {configCheck} from './checks/config.js'
import {environmentCheck} from './checks/environment.js'
import {filesCheck} from './checks/files.js'
import {liveBudgetMs, liveCheck, teamHosts} from './checks/live.js'
import {overridesCheck} from './checks/overrides.js'
import {storeCheck} from './checks/store.js'
import {createContext, type DoctorContext, type DoctorOptions} from './context.js'
import {type CheckResult, type Finding, problem, skipped, worst} from './finding.js'
import {buildReport, type DoctorReport} from './report.js'

const log = logger('doctor')

/** In report order. They run in parallel; each sees only the shared, read-once context. */
export const CHECKS: readonly Check[] = [
  configCheck,
  authoritiesCheck,
  storeCheck,
  filesCheck,
  environmentCheck,
  overridesCheck,
  liveCheck,
]

/** Runs every check and returns the report with the raw findings (which carry the repairs for --fix). */
export async function runDoctor(
  options: DoctorOptions,
): Promise<{findings: Finding[]; report: DoctorReport}> {
  const started = performance.now()
  const context = createContext(options)
  const results = await Promise.all(CHECKS.map((check) => runCheck(check, context)))
  const config = await context.config().then(
    (c) => c.path,
    () => undefined,
  )
  const durationMs = Math.round(performance.now() - started)
  log('doctor done in %d ms', durationMs)
  return {
    findings: results.flatMap((r) => r.findings),
    report: buildReport(results, {config, durationMs, offline: options.offline}),
  }
}

async function runCheck(check: Check, context: DoctorContext): Promise<CheckResult> {
  const started = performance.now()
  const timeoutMs = context.options.timeoutMs ?? 10_000
  // Every network step inside a check has its own timeout; this is the net under them, so it must not cut
  // a check short while a slow host is still being waited for.
  const limit = check.id === 'live' ? liveBudgetMs(await hostCount(context), timeoutMs) : timeoutMs * 2
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<Finding[]>((resolve) => {
    timer = setTimeout(
      () =>
        resolve([
          problem(
            'fail',
            check.id,
            `${check.title}: no answer within ${limit / 1000} s`,
            'Run it again; check the network (VPN).',
          ),
        ]),
      limit,
    )
  })
  const findings = await Promise.race([check.run(context).catch((error) => failure(check, error)), timeout])
  clearTimeout(timer)
  const durationMs = Math.round(performance.now() - started)
  log('%s: %d finding(s) in %d ms', check.id, findings.length, durationMs)
  return {
    durationMs,
    findings,
    id: check.id,
    status: worst(findings.map((f) => f.status)),
    title: check.title,
  }
}

/** A check that cannot run because the config is bad says so once; the Config check reports the error. */
function failure(check: Check, error: unknown): Finding[] {
  if (error instanceof DevCertsError && (error.code === 'CONFIG' || error.code === 'NO_CONFIG')) {
    return [skipped(check.id, `${check.title}: not checked without a valid .devcerts.json`)]
  }

  return [
    problem(
      'fail',
      check.id,
      `${check.title} could not run: ${errorMessage(error)}`,
      'Run with DEBUG=dev-certs* and report it.',
    ),
  ]
}

async function hostCount(context: DoctorContext): Promise<number> {
  return context.config().then(
    (config) => teamHosts(config).length,
    () => 0,
  )
}

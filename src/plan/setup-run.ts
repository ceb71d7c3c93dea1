import {showFingerprint} from '../certs/fingerprint.js'
import {loadTeamConfig} from '../config/find.js'
import {type TeamConfig, type ToolId} from '../config/team-config.js'
import {prefetchExec} from '../system/exec.js'
import {errorMessage} from '../system/errors.js'
import {withLock} from '../system/lock.js'
import {logger} from '../system/log.js'
import {certsHome, type HomePaths} from '../system/paths.js'
import {shellProfile} from '../env/profile.js'
import {writeFileAtomic} from '../system/files.js'
import {claimDailyWarning, daysUntil, EXPIRY_NOTICE_DAYS, expiryWarning} from './expiry-notice.js'
import {recordStamp} from './noop-stamp.js'
import {runPlan} from './apply.js'
import {checkHome} from './preflight.js'
import {acquireAll, planSetup, type SetupPlan} from './setup.js'
import {stepJson} from './step.js'

const log = logger('noop')

export interface SetupRunOptions {
  configFile?: string
  /** --configure: tools whose own config files get pointed at our files. */
  configure?: ToolId[]
  cwd: string
  /** --direnv: add a line to the project's .envrc. */
  direnv?: boolean
  dataDir: string
  dryRun: boolean
  env?: NodeJS.ProcessEnv
  interactive: boolean
  progress: (line: string) => void
  shellProfile: boolean
  /** Store flags: --store, --system-wide, --browsers, --java (config `system` fills what is unset). */
  stores?: {browsers?: boolean; java?: boolean; store?: string; systemWide?: boolean}
  system: boolean
}

/** The stable shape of `setup --json` (documented in the README). */
export interface SetupReport {
  authorities: Array<{
    anchors: Array<{fingerprint: string; notAfter: string; subject: string}>
    intermediates: number
    name: string
    origin: string
  }>
  exitCode: 0 | 3
  files: {bundle: string; env: string; envSh: string; teamCa: string}
  manualCommands: string[][]
  notes: string[]
  status: 'admin-steps-left' | 'changed' | 'dry-run' | 'up-to-date'
  steps: Array<Record<string, unknown>>
  warnings: string[]
}

export async function runSetup(options: SetupRunOptions): Promise<SetupReport> {
  const env = options.env ?? process.env
  // Most setups run a command (the store's refresh tool, sudo, git): load it while the config is read.
  prefetchExec()
  const config = await loadTeamConfig({configFile: options.configFile, cwd: options.cwd})
  const paths = certsHome(options.dataDir, env)
  const profile = options.shellProfile ? shellProfile(env) : undefined
  const flags = options.stores ?? {}
  const named = flags.store ?? config.system?.store
  const stores = {
    browsers: flags.browsers || config.system?.browsers,
    java: flags.java || config.system?.java,
    override: named
      ? {from: flags.store ? '--store' : `system.store in ${config.path}`, name: named}
      : undefined,
    systemWide: flags.systemWide,
  }
  const authorities = await acquireAll(config, env)
  await checkHome(paths, env)
  const configure = [...new Set([...(config.configure ?? []), ...(options.configure ?? [])])]
  const input = {
    config,
    configure,
    direnv: options.direnv,
    env,
    paths,
    profile,
    stores,
    system: options.system,
  }
  if (options.dryRun) return applyAndReport(await planSetup(input, authorities), paths, config, options)
  return withLock(
    paths.home,
    (holder) =>
      options.progress(`waiting for lock: another dev-certs run (pid ${holder}) is working on ${paths.home}`),
    async () => applyAndReport(await planSetup(input, authorities), paths, config, options),
  )
}

async function applyAndReport(
  plan: SetupPlan,
  paths: HomePaths,
  config: TeamConfig,
  options: SetupRunOptions,
): Promise<SetupReport> {
  for (const authority of plan.steps.length > 0 ? plan.authorities : []) {
    for (const cert of authority.anchors) {
      options.progress(
        `${authority.name}: trusting "${cert.subject}" ${showFingerprint(cert.fingerprint)} from ${authority.origin}`,
      )
    }
  }

  const names = plan.authorities.map((a) => a.name).join(', ')
  const expires = earliestExpiry(plan)
  // Near expiry is said once a day (here, in the fast path and in the hook), not on every run.
  const warnings = plan.warnings.filter((warning) => !/ expires in -?\d+ days/.test(warning))
  const nearEnd = expires && daysUntil(expires) <= EXPIRY_NOTICE_DAYS
  if (expires && nearEnd && (options.dryRun || (await claimDailyWarning(paths.home, expires)))) {
    warnings.push(expiryWarning(names, expires))
  }

  const report: SetupReport = {
    authorities: plan.authorities.map((authority) => ({
      anchors: authority.anchors.map((cert) => ({
        fingerprint: showFingerprint(cert.fingerprint),
        notAfter: cert.notAfter.toISOString(),
        subject: cert.subject,
      })),
      intermediates: authority.intermediates.length,
      name: authority.name,
      origin: authority.origin,
    })),
    exitCode: 0,
    files: {bundle: paths.bundle, env: config.env.file, envSh: paths.envSh, teamCa: paths.teamCa},
    manualCommands: [],
    notes: plan.notes,
    status: plan.steps.length === 0 ? 'up-to-date' : 'changed',
    steps: plan.steps.map((step) => stepJson(step)),
    warnings,
  }
  const key = {configPath: config.path, home: paths.home, profile: plan.profile, system: plan.system}
  const result = await runPlan(plan.steps, {...options, stagedDir: paths.staged})
  if (!result) return {...report, status: plan.steps.length === 0 ? 'up-to-date' : 'dry-run'}
  if (result.manual.length > 0) {
    return {...report, exitCode: 3, manualCommands: result.manual, status: 'admin-steps-left'}
  }

  // The stamp's key knows no store flags, so a run with them must not answer for a run without them.
  const flags = options.stores ?? {}
  if (!plan.inputs || flags.store || flags.browsers || flags.java || flags.systemWide) return report
  const stamp = await recordStamp(key, {...plan.inputs, expires, summary: names})
  // The stamp only lets the next run answer early: a stamp that cannot be written fails nothing, and it is not
  // synced (it holds the hash of every file it vouches for, so an old or empty one after a crash only costs a run).
  await writeFileAtomic(stamp.path, stamp.content, 0o644, {sync: false}).catch((error: unknown) =>
    log('no-op stamp not written (%s): the next run does the full check', errorMessage(error)),
  )
  return report
}

function earliestExpiry(plan: SetupPlan): Date | undefined {
  const dates = plan.authorities.flatMap((a) => a.anchors.map((cert) => cert.notAfter.getTime()))
  return dates.length > 0 ? new Date(Math.min(...dates)) : undefined
}

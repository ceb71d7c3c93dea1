import {type ToolId} from '../config/team-config.js'
import {runSetup, type SetupReport} from '../plan/setup-run.js'
import {exec} from '../system/exec.js'
import {failWith, printManual, printWarnings, type Reporter} from './present.js'

export {processReporter} from './present.js'
/** For the bench's floor: what a setup loads before its refresh can start, execa included. */
export {prefetchExec} from '../system/exec.js'

/** The flags of `certs setup`, as oclif parses them (the direct path fills the ones it understands). */
export interface SetupFlags {
  browsers?: boolean
  config?: string
  configure?: string[]
  direnv?: boolean
  'dry-run'?: boolean
  java?: boolean
  'shell-profile'?: boolean
  store?: string
  system: boolean
  'system-wide'?: boolean
  yes?: boolean
}

/**
 * The body of `certs setup`, shared by the oclif command and bin/run.js, which runs it without loading oclif
 * when the flags are simple: the same report, the same lines, the same exit code either way.
 */
export async function setupCommand(flags: SetupFlags, out: Reporter, dataDir: string): Promise<SetupReport> {
  const quiet = out.jsonEnabled()
  const report = await runSetup({
    configFile: flags.config,
    configure: flags.configure as ToolId[] | undefined,
    cwd: process.cwd(),
    dataDir,
    direnv: flags.direnv,
    dryRun: flags['dry-run'] ?? false,
    interactive: !flags.yes && Boolean(process.stdin.isTTY && process.stderr.isTTY),
    progress: (line) => quiet || out.logToStderr(`  ${line}`),
    shellProfile: flags['shell-profile'] ?? false,
    stores: {
      browsers: flags.browsers,
      java: flags.java,
      store: flags.store,
      systemWide: flags['system-wide'],
    },
    system: flags.system,
  }).catch((error: unknown) => failWith(out, error))
  if (!quiet) {
    printWarnings(out, report.warnings)
    for (const note of report.notes) out.logToStderr(`  ${note}`)
    out.log(summary(report))
    printManual(out, report.manualCommands)
  }

  process.exitCode = report.exitCode
  return report
}

/**
 * Run once by the build before it saves the code cache of this bundle (scripts/code-cache.js): the cache then
 * holds execa as a setup uses it, loaded and spawning, not only the bundle's top level.
 */
export async function warmUp(): Promise<void> {
  await exec([process.execPath, '--version'], {extendEnv: false})
}

function summary(report: SetupReport): string {
  const names = report.authorities.map((a) => a.name).join(', ')
  switch (report.status) {
    case 'admin-steps-left':
      return `Set up ${names} for this user; the admin steps below are left to run.`
    case 'changed':
      return `Set up ${names}: ${report.steps.length} change(s). Env: ${report.files.env}, ${report.files.envSh}`
    case 'dry-run':
      return `Dry run: ${report.steps.length} step(s) above would run; nothing was changed.`
    case 'up-to-date':
      return `Nothing to do: ${names} already set up.`
  }
}

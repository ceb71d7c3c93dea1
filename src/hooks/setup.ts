import {type Hook} from '@oclif/core'

import {locateConfig} from '../config/locate.js'
import {fastNoop} from '../cli/fast-path.js'
import {logger} from '../system/log.js'

const log = logger('hook')

export interface SetupHookResult {
  exitCode?: number
  manualCommands?: string[][]
  skipped?: string
  status?: string
}

/**
 * The `setup` event a host CLI fires (`dev setup`): setup --yes that never prompts and never fails the host
 * command just because admin steps are left; those are printed instead.
 */
const hook = async function (this: Hook.Context, options: {cwd?: string}): Promise<SetupHookResult> {
  if (process.env.DEV_CERTS_SKIP === '1') return {skipped: 'DEV_CERTS_SKIP=1'}
  const cwd = options.cwd ?? process.cwd()
  const configFile = await locateConfig(cwd)
  if (!configFile) {
    log('no .devcerts.json above %s: nothing to do', cwd)
    return {skipped: 'no .devcerts.json'}
  }

  const unchanged = await fastNoop({
    configFile,
    cwd,
    dataDir: this.config.dataDir,
    shellProfile: false,
    system: true,
  })
  if (unchanged) {
    log('certs: up to date (%s)', unchanged)
    return {exitCode: 0, manualCommands: [], status: 'up-to-date'}
  }

  // Loaded only when there is work: a host fires this hook on every `dev setup`.
  const {runSetup} = await import('../plan/setup-run.js')
  const report = await runSetup({
    cwd,
    dataDir: this.config.dataDir,
    dryRun: false,
    interactive: false,
    progress: (line) => log(line),
    shellProfile: false,
    system: true,
  }).catch(async (error: unknown) => {
    // Many hosts never read a hook's failures, so say it here; the host command itself goes on. The class comes
    // from the chunk setup threw from (loaded by now), and not on the no-op path, where it would cost ~5 ms.
    const {DevCertsError} = await import('../system/errors.js')
    if (!(error instanceof DevCertsError)) throw error
    // Written whole: oclif's warn() wraps at 80 columns and splits paths and fingerprints.
    process.stderr.write(`dev-certs: ${error.message}${error.fix ? `\nFix: ${error.fix}` : ''}\n`)
    return undefined
  })
  if (!report) return {exitCode: 1, status: 'error'}
  for (const warning of report.warnings) process.stderr.write(`dev-certs: warning: ${warning}\n`)
  if (report.status === 'up-to-date') log('certs: up to date')
  else
    this.log(
      `dev-certs: ${report.status === 'changed' ? 'set up' : report.status} (${report.steps.length} step(s))`,
    )
  if (report.manualCommands.length > 0) {
    this.log('dev-certs: run these admin commands to trust the team CA system-wide:')
    for (const argv of report.manualCommands) this.log(`  ${argv.join(' ')}`)
  }

  return {exitCode: report.exitCode, manualCommands: report.manualCommands, status: report.status}
}

export default hook

import {chmod} from 'node:fs/promises'

import {runSetup} from '../plan/setup-run.js'
import {readState} from '../plan/state.js'
import {certsHome} from '../system/paths.js'
import {type DoctorOptions} from './context.js'
import {type Finding} from './finding.js'

export interface FixOptions extends DoctorOptions {
  interactive: boolean
  progress: (line: string) => void
}

export interface FixResult {
  applied: string[]
  manualCommands: string[][]
}

/**
 * Runs what clears the findings that carry a repair: one setup run (with the shell profile when a finding
 * asks
 * for it) and chmod on our own files. Findings without a repair need a person and are left to the report.
 */
export async function repair(findings: Finding[], options: FixOptions): Promise<FixResult> {
  const repairs = findings.filter((f) => f.status !== 'ok').flatMap((f) => (f.repair ? [f.repair] : []))
  const applied: string[] = []
  let manualCommands: string[][] = []
  for (const item of repairs) {
    if (item.kind !== 'chmod') continue
    await chmod(item.path, item.mode)
    applied.push(`chmod ${item.mode.toString(8).padStart(4, '0')} ${item.path}`)
    options.progress(applied.at(-1)!)
  }

  const setups = repairs.filter((item) => item.kind === 'setup')
  if (setups.length > 0) {
    const shellProfile = setups.some((item) => item.shellProfile === true)
    // The OS store only when a finding asks for it or setup already manages it: --no-system stays a choice.
    const state = await readState(certsHome(options.dataDir, options.env).state)
    const system = setups.some((item) => item.system === true) || state.stores.length > 0
    const report = await runSetup({
      configFile: options.configFile,
      cwd: options.cwd,
      dataDir: options.dataDir,
      dryRun: false,
      env: options.env,
      interactive: options.interactive,
      progress: options.progress,
      shellProfile,
      system,
    })
    applied.push(
      `dev certs setup${shellProfile ? ' --shell-profile' : ''}: ` +
        `${report.status}, ${report.steps.length} step(s)`,
    )
    manualCommands = report.manualCommands
  }

  return {applied, manualCommands}
}

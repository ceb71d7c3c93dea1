import {findConfigFile} from '../config/find.js'
import {parseTeamConfig} from '../config/parse.js'
import {withLock} from '../system/lock.js'
import {certsHome, type HomePaths} from '../system/paths.js'
import {runPlan} from './apply.js'
import {stepJson} from './step.js'
import {planUninstall} from './uninstall.js'
import {readFile, rmdir, stat} from 'node:fs/promises'

export interface UninstallReport {
  exitCode: 0 | 3
  manualCommands: string[][]
  status: 'admin-steps-left' | 'dry-run' | 'nothing-to-remove' | 'removed'
  steps: Array<Record<string, unknown>>
  warnings: string[]
}

export interface UninstallOptions {
  cwd: string
  dataDir: string
  dryRun: boolean
  env?: NodeJS.ProcessEnv
  interactive: boolean
  progress: (line: string) => void
}

export async function runUninstall(options: UninstallOptions): Promise<UninstallReport> {
  const paths = certsHome(options.dataDir, options.env)
  const home = await stat(paths.home).catch(() => undefined)
  if (!home?.isDirectory() || options.dryRun) return uninstall(paths, options)
  const waiting = (holder: string) => options.progress(`waiting for lock: dev-certs run ${holder} is working`)
  const report = await withLock(paths.home, waiting, () => uninstall(paths, options))
  // The lock file kept the directory from being removed with the rest: now it is empty, unless a user put
  // something of theirs in it.
  if (report.status === 'removed') await rmdir(paths.home).catch(() => undefined)
  return report
}

async function uninstall(paths: HomePaths, options: UninstallOptions): Promise<UninstallReport> {
  const plan = await planUninstall(paths, await configuredEnvFile(options.cwd), options.env)
  const report: UninstallReport = {
    exitCode: 0,
    manualCommands: [],
    status: plan.steps.length === 0 ? 'nothing-to-remove' : 'removed',
    steps: plan.steps.map((step) => stepJson(step)),
    warnings: plan.warnings,
  }
  const result = await runPlan(plan.steps, {...options, stagedDir: paths.staged})
  if (!result) return {...report, status: plan.steps.length === 0 ? 'nothing-to-remove' : 'dry-run'}
  if (result.manual.length > 0) {
    return {...report, exitCode: 3, manualCommands: result.manual, status: 'admin-steps-left'}
  }

  return report
}

/** The current project's env file also gets its block removed, even if the state record was lost. */
async function configuredEnvFile(cwd: string): Promise<string[]> {
  const path = await findConfigFile(cwd)
  if (!path) return []
  try {
    return [parseTeamConfig(await readFile(path, 'utf8'), path).env.file]
  } catch {
    return []
  }
}

import {findConfigFile} from '../config/find.js'
import {parseTeamConfig} from '../config/parse.js'
import {certsHome} from '../system/paths.js'
import {applyPlan} from './apply.js'
import {describeStep, stepJson} from './step.js'
import {planUninstall} from './uninstall.js'
import {readFile} from 'node:fs/promises'

export interface UninstallReport {
  exitCode: 0 | 3
  manualCommands: string[][]
  status: 'admin-steps-left' | 'dry-run' | 'nothing-to-remove' | 'removed'
  steps: Array<Record<string, unknown>>
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
  const plan = await planUninstall(paths, await configuredEnvFile(options.cwd))
  const report: UninstallReport = {
    exitCode: 0,
    manualCommands: [],
    status: plan.steps.length === 0 ? 'nothing-to-remove' : 'removed',
    steps: plan.steps.map((step) => stepJson(step)),
  }
  if (options.dryRun) {
    for (const step of plan.steps) options.progress(`plan: ${describeStep(step)}`)
    return {...report, status: plan.steps.length === 0 ? 'nothing-to-remove' : 'dry-run'}
  }

  const result = await applyPlan(plan.steps, {
    interactive: options.interactive,
    progress: options.progress,
    stagedDir: paths.staged,
  })
  if (result.manual.length > 0)
    return {...report, exitCode: 3, manualCommands: result.manual, status: 'admin-steps-left'}
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

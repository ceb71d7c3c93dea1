import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

import {readSetting, settingLineOf, writeSetting} from '../env/settings-file.js'
import {readShared} from '../env/shared-file.js'
import {fileSetting, gitKey, OVERRIDE_VARIABLES, type ToolId, type ToolSetting} from '../env/tool-configs.js'
import {exec} from '../system/exec.js'
import {type HomePaths} from '../system/paths.js'
import {which} from '../system/which.js'
import {type Step} from './step.js'

/** One setting `--configure` changed, with what was there before, so uninstall can put it back. */
export interface ConfiguredSetting {
  /** Directories setup created for the file, innermost first: removed again with it when left empty. */
  createdDirs?: string[]
  /** The config file did not exist before setup. */
  createdFile: boolean
  file: string
  key: string
  previous: null | string
  /** The line that held `previous` when we edited the file ourselves, to put back verbatim. */
  previousLine?: string
  tool: ToolId
  value: string
}

export interface ConfigureInput {
  env: NodeJS.ProcessEnv
  /** The team's https hosts: git's setting is scoped to each of them. */
  hosts: URL[]
  paths: HomePaths
  /** What an earlier setup recorded: its `previous` is kept, never replaced by our own value. */
  recorded: ConfiguredSetting[]
  tools: ToolId[]
}

export interface ConfigurePlan {
  notes: string[]
  records: ConfiguredSetting[]
  steps: Step[]
}

/** The steps that point each chosen tool's own config at our files, and the record of what they replace. */
export async function planConfigure(input: ConfigureInput): Promise<ConfigurePlan> {
  const plan: ConfigurePlan = {notes: [], records: [], steps: []}
  const remember = (fresh: ConfiguredSetting) => {
    const earlier = input.recorded.find((r) => r.tool === fresh.tool && r.key === fresh.key)
    const {createdDirs, createdFile, previous, previousLine} = earlier ?? fresh
    plan.records.push({...fresh, createdDirs, createdFile, previous, previousLine})
  }

  for (const tool of input.tools) {
    if (tool === 'git') {
      await planGit(input, plan, remember)
      continue
    }

    const setting = fileSetting(tool, input.env)
    const value = setting.file === 'bundle' ? input.paths.bundle : input.paths.teamCa
    const text = await readShared(setting.path)
    const current = text === undefined ? undefined : readSetting(text, setting.format, setting.key)
    remember({
      createdDirs: text === undefined ? missingDirs(dirname(setting.path)) : [],
      createdFile: text === undefined,
      file: setting.path,
      key: setting.key,
      previous: current ?? null,
      previousLine: text === undefined ? undefined : settingLineOf(text, setting.format, setting.key),
      tool,
      value,
    })
    if (current === value) continue
    plan.steps.push(
      setStep(setting, text, value, input.env, `--configure ${tool}: ${setting.key} → ${value}`),
    )
  }

  return plan
}

/** Steps that put back what each record replaced; a setting the user changed since is left alone. */
export async function planRestore(
  records: ConfiguredSetting[],
  env: NodeJS.ProcessEnv,
): Promise<{steps: Step[]; warnings: string[]}> {
  const steps: Step[] = []
  const warnings: string[] = []
  const gitRecords = records.filter((r) => r.tool === 'git')
  if (gitRecords.length > 0) steps.push(...(await restoreGit(gitRecords, env, warnings)))
  for (const record of records) {
    if (record.tool === 'git') continue
    const setting = fileSetting(record.tool, env)
    const text = await readShared(record.file)
    const current = text === undefined ? undefined : readSetting(text, setting.format, setting.key)
    if (current !== record.value) {
      warnings.push(changedSince(record, current))
      continue
    }

    const why = `restore ${record.tool} ${record.key} as it was before setup`
    const without = writeSetting(text ?? '', setting.format, setting.key, undefined)
    if (record.previous === null && record.createdFile && without.trim() === '') {
      steps.push({admin: false, kind: 'remove', path: record.file, why: `${why} (setup created the file)`})
      for (const path of record.createdDirs ?? []) {
        steps.push({admin: false, kind: 'rmdir', path, why: `${why} (setup created the directory)`})
      }
    } else if (record.previous === null) {
      steps.push(unsetStep({...setting, path: record.file}, text ?? '', env, why))
    } else {
      steps.push(
        setStep({...setting, path: record.file}, text, record.previous, env, why, record.previousLine),
      )
    }
  }

  return {steps, warnings}
}

function setStep(
  setting: ToolSetting,
  text: string | undefined,
  value: string,
  env: NodeJS.ProcessEnv,
  why: string,
  line?: string,
): Step {
  if (useCli(setting, env))
    return {admin: false, argv: setting.cli!.set(value), env: cliEnv(env), kind: 'run', why}
  const content = writeSetting(text ?? '', setting.format, setting.key, value, line)
  return {admin: false, content, kind: 'write', mode: 0o644, path: setting.path, why}
}

function unsetStep(setting: ToolSetting, text: string, env: NodeJS.ProcessEnv, why: string): Step {
  if (useCli(setting, env))
    return {admin: false, argv: setting.cli!.unset(), env: cliEnv(env), kind: 'run', why}
  const content = writeSetting(text, setting.format, setting.key, undefined)
  return {admin: false, content, kind: 'write', mode: 0o644, path: setting.path, why}
}

function useCli(setting: ToolSetting, env: NodeJS.ProcessEnv): boolean {
  return Boolean(setting.cli && !setting.whyFile && which(setting.cli.program, env))
}

/**
 * The env a tool's CLI runs with: without the variables that override its file (so it writes the file), and
 * with gcloud's update check and metadata-server probe off (setup must not reach any other host).
 */
function cliEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const clean: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !OVERRIDE_VARIABLES.includes(name)) clean[name] = value
  }

  // npm would otherwise check the registry for a newer npm and leave a log file in ~/.npm on every run.
  clean.npm_config_update_notifier = 'false'
  clean.npm_config_logs_max = '0'
  clean.CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK = 'true'
  clean.CLOUDSDK_CORE_CHECK_GCE_METADATA = 'false'
  clean.CLOUDSDK_CORE_DISABLE_USAGE_REPORTING = 'true'
  return clean
}

function changedSince(record: ConfiguredSetting, current: string | undefined): string {
  return (
    `${record.tool} ${record.key} in ${record.file} is ` +
    `${current === undefined ? 'unset' : `"${current}"`}, ` +
    `not the "${record.value}" setup wrote: left as it is.`
  )
}

async function planGit(
  input: ConfigureInput,
  plan: ConfigurePlan,
  remember: (record: ConfiguredSetting) => void,
): Promise<void> {
  if (!which('git', input.env)) {
    plan.notes.push('--configure git: git is not on PATH, nothing to configure.')
    return
  }

  const origins = [...new Set(input.hosts.map((url) => url.origin))]
  if (origins.length === 0) {
    plan.notes.push('--configure git: .devcerts.json lists no "hosts" to scope git to; nothing configured.')
    return
  }

  const file = gitGlobalFile(input.env)
  const createdFile = !existsSync(file)
  for (const origin of origins) {
    const key = gitKey(origin)
    const current = await gitGet(['--get', key], input.env)
    const value = input.paths.teamCa
    remember({createdFile, file, key, previous: current ?? null, tool: 'git', value})
    if (current === value) continue
    plan.steps.push({
      admin: false,
      argv: ['git', 'config', '--global', key, value],
      env: cliEnv(input.env),
      kind: 'run',
      why: `--configure git: team CA for ${origin} only`,
    })
  }
}

async function restoreGit(
  records: ConfiguredSetting[],
  env: NodeJS.ProcessEnv,
  warnings: string[],
): Promise<Step[]> {
  const steps: Step[] = []
  const ours = records.filter((r) => r.previous === null).map((r) => r.key.toLowerCase())
  const all = ((await gitGet(['--list'], env)) ?? '').split('\n').filter(Boolean)
  // Setup created the file and nothing but our keys is in it: removing it is the exact undo.
  if (records.every((r) => r.createdFile && r.previous === null) && existsSync(records[0].file)) {
    const onlyOurs = all.every((line) => ours.includes(line.slice(0, line.indexOf('=')).toLowerCase()))
    if (onlyOurs)
      return [{admin: false, kind: 'remove', path: records[0].file, why: 'restore git: setup created it'}]
  }

  for (const record of records) {
    const current = await gitGet(['--get', record.key], env)
    if (current !== record.value) {
      warnings.push(changedSince(record, current))
      continue
    }

    const why = `restore git ${record.key} as it was before setup`
    const section = record.key.slice(0, record.key.lastIndexOf('.'))
    const inSection = all.filter((line) => line.toLowerCase().startsWith(`${section.toLowerCase()}.`))
    const argv =
      record.previous !== null
        ? ['git', 'config', '--global', record.key, record.previous]
        : inSection.length === 1
          ? ['git', 'config', '--global', '--remove-section', section]
          : ['git', 'config', '--global', '--unset', record.key]
    steps.push({admin: false, argv, env: cliEnv(env), kind: 'run', why})
  }

  return steps
}

async function gitGet(args: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const result = await exec(['git', 'config', '--global', ...args], {
    env: cliEnv(env),
    extendEnv: false,
    timeoutMs: 20_000,
  })
  return result.failed ? undefined : result.stdout.replace(/\n$/, '')
}

/**
 * The file `git config --global` writes: $GIT_CONFIG_GLOBAL, ~/.gitconfig, or the XDG one if only it exists.
 */
function gitGlobalFile(env: NodeJS.ProcessEnv): string {
  if (env.GIT_CONFIG_GLOBAL) return env.GIT_CONFIG_GLOBAL
  const home = env.HOME || homedir()
  const dotfile = join(home, '.gitconfig')
  const xdg = join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config')
  return !existsSync(dotfile) && existsSync(xdg) ? xdg : dotfile
}

/** The directories on the way to `dir` that do not exist yet, innermost first. */
function missingDirs(dir: string): string[] {
  const missing: string[] = []
  for (let at = dir; !existsSync(at) && dirname(at) !== at; at = dirname(at)) missing.push(at)
  return missing
}

import {access} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {locateConfig} from '../config/locate.js'
import {shellProfile} from '../env/profile.js'
import {claimDailyWarning, expiryWarning} from '../plan/expiry-notice.js'
import {matchStamp} from '../plan/noop-stamp.js'
import {defaultDataDir} from '../system/paths.js'
import {flagValue, onceEach} from './argv.js'
import {requireWithCodeCache} from './code-cache.js'

/**
 * The no-op answer for `certs setup` and the `setup` hook, before oclif loads: find the config, look up the
 * stamp of the last run, and if every file it depended on is unchanged, there is nothing to do. Any doubt
 * (another run holds the lock, a flag we do not handle here) returns undefined and the full path runs.
 */
export async function fastNoop(options: {
  configFile?: string
  cwd: string
  dataDir: string
  env?: NodeJS.ProcessEnv
  shellProfile: boolean
  system: boolean
}): Promise<string | undefined> {
  const env = options.env ?? process.env
  const configPath = options.configFile
    ? resolve(options.cwd, options.configFile)
    : await locateConfig(options.cwd)
  if (!configPath) return undefined
  const home = resolve(env.DEV_CERTS_HOME || join(options.dataDir, 'certs'))
  if (await exists(join(home, '.lock'))) return undefined
  const profile = options.shellProfile ? shellProfile(env) : undefined
  const hit = await matchStamp({configPath, home, profile, system: options.system}, env)
  if (hit?.expires && (await claimDailyWarning(home, hit.expires))) {
    process.stderr.write(`warning: ${expiryWarning(hit.summary, hit.expires)}\n`)
  }

  return hit?.summary
}

export interface FastSetupOptions {
  configFile?: string
  dataDir: string
  shellProfile: boolean
  system: boolean
  yes: boolean
}

/** The flags the fast path understands; anything else (--json, --dry-run, a typo) goes to oclif. */
export function fastSetupArgs(args: string[]): FastSetupOptions | undefined {
  const options: FastSetupOptions = {dataDir: defaultDataDir(), shellProfile: false, system: true, yes: false}
  const seen = new Set<string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const config = flagValue(args, i, '--config')
    if (arg === '--no-system') options.system = false
    else if (arg === '--system') options.system = true
    else if (arg === '--shell-profile') options.shellProfile = true
    else if (arg === '-y' || arg === '--yes') options.yes = true
    else if (config && onceEach(seen, '--config')) {
      options.configFile = config.value
      i = config.next
    } else return undefined
  }

  return options
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

/**
 * A setup with work to do and only the flags above runs without oclif: loading it is a large part of a first
 * setup's time beside the OS tool. Same body, same output, same exit code as the oclif command.
 */
export async function directSetup(options: FastSetupOptions): Promise<void> {
  const {processReporter, setupCommand} = await loadSetup()
  const flags = {
    config: options.configFile,
    'shell-profile': options.shellProfile,
    system: options.system,
    yes: options.yes,
  }
  await setupCommand(flags, processReporter, options.dataDir)
}

type SetupModule = typeof import('./setup.js')

/** The build ships setup as one CommonJS file beside this one, with its code cache. */
export async function loadSetup(): Promise<SetupModule> {
  const bundled = fileURLToPath(new URL('setup.cjs', import.meta.url))
  try {
    return requireWithCodeCache(bundled).exports as SetupModule
  } catch (error) {
    const {code, path} = error as NodeJS.ErrnoException
    if (code !== 'ENOENT' || path !== bundled) throw error
    throw new Error(`${bundled} is missing: the package is incomplete. From a clone, run \`npm run build\`.`)
  }
}

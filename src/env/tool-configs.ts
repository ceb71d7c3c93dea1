import {homedir} from 'node:os'
import {join} from 'node:path'

import {type ToolId} from '../config/team-config.js'
import {type CaFile} from './clients.js'
import {type SettingsFormat} from './settings-file.js'

/**
 * The persistent settings `--configure` writes, for the tools whose env variables do not reach IDEs and
 * daemons. Each lives in a user-level file we can read ourselves; it is written through the tool's own CLI
 * when that is on PATH (`cli`), else by editing that one line of the file.
 */
export {TOOL_IDS, type ToolId} from '../config/team-config.js'

export interface ToolSetting {
  /** The tool's CLI (set, unset) as argv, when we write through it. */
  cli?: {program: string; set(value: string): string[]; unset(): string[]}
  file: CaFile
  format: SettingsFormat
  key: string
  path: string
  tool: ToolId
  /** Why this one is edited as a file even when the CLI is there. */
  whyFile?: string
}

/**
 * Every setting of `tool` except git's, which depends on the team's hosts and goes through `git config`.
 * `env` is the user's environment: the tools honour these variables for where their user files live.
 */
export function fileSetting(tool: Exclude<ToolId, 'git'>, env: NodeJS.ProcessEnv): ToolSetting {
  const home = env.HOME || homedir()
  const xdg = env.XDG_CONFIG_HOME || join(home, '.config')
  switch (tool) {
    case 'aws':
      return {
        file: 'bundle',
        format: {kind: 'ini', section: 'default'},
        key: 'ca_bundle',
        path: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
        tool,
        whyFile: '`aws configure set` cannot remove a key, and an empty ca_bundle is an error',
      }
    case 'conda': {
      const path = join(home, '.condarc')
      return {
        cli: {
          program: 'conda',
          set: (value) => ['conda', 'config', '--file', path, '--set', 'ssl_verify', value],
          unset: () => ['conda', 'config', '--file', path, '--remove-key', 'ssl_verify'],
        },
        file: 'bundle',
        format: {kind: 'yaml'},
        key: 'ssl_verify',
        path,
        tool,
      }
    }

    case 'gcloud': {
      const dir = env.CLOUDSDK_CONFIG || join(xdg, 'gcloud')
      const config = env.CLOUDSDK_ACTIVE_CONFIG_NAME || 'default'
      return {
        cli: {
          program: 'gcloud',
          set: (value) => ['gcloud', 'config', 'set', 'core/custom_ca_certs_file', value],
          unset: () => ['gcloud', 'config', 'unset', 'core/custom_ca_certs_file'],
        },
        file: 'bundle',
        format: {kind: 'ini', section: 'core'},
        key: 'custom_ca_certs_file',
        path: join(dir, 'configurations', `config_${config}`),
        tool,
      }
    }

    case 'npm':
      return {
        cli: {
          program: 'npm',
          set: (value) => ['npm', 'config', 'set', `cafile=${value}`, '--location=user'],
          unset: () => ['npm', 'config', 'delete', 'cafile', '--location=user'],
        },
        file: 'bundle',
        format: {kind: 'npmrc'},
        key: 'cafile',
        path: env.npm_config_userconfig || env.NPM_CONFIG_USERCONFIG || join(home, '.npmrc'),
        tool,
      }
    case 'pip':
      return {
        cli: {
          program: 'pip3',
          set: (value) => ['pip3', 'config', '--user', 'set', 'global.cert', value],
          unset: () => ['pip3', 'config', '--user', 'unset', 'global.cert'],
        },
        file: 'bundle',
        format: {kind: 'ini', section: 'global'},
        key: 'cert',
        path: pipUserConfig(env, home, xdg),
        tool,
      }
    case 'yarn':
      return {
        file: 'bundle',
        format: {kind: 'yaml'},
        key: 'httpsCaFilePath',
        path: join(home, '.yarnrc.yml'),
        tool,
        whyFile: '`yarn` on PATH is often the corepack shim, which downloads a Yarn release when first run',
      }
  }
}

function pipUserConfig(env: NodeJS.ProcessEnv, home: string, xdg: string): string {
  if (process.platform === 'win32') return join(env.APPDATA || home, 'pip', 'pip.ini')
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'pip', 'pip.conf')
  return join(xdg, 'pip', 'pip.conf')
}

/** git's per-host key: scoped to one team origin, so the team CA alone is right there. */
export function gitKey(origin: string): string {
  return `http.${origin}/.sslCAInfo`
}

/** The variables that would make a tool's CLI report an env override instead of its file; never passed on. */
export const OVERRIDE_VARIABLES = [
  'AWS_CA_BUNDLE',
  'CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE',
  'CONDA_SSL_VERIFY',
  'GIT_SSL_CAINFO',
  'NPM_CONFIG_CAFILE',
  'PIP_CERT',
  'npm_config_cafile',
]

import {homedir} from 'node:os'
import {basename, join} from 'node:path'

import {type HomePaths} from '../system/paths.js'
import {profileLine} from './render.js'

export type ProfileShell = 'bash' | 'fish' | 'pwsh' | 'zsh'

export interface ShellProfile {
  /** The one line the profile gets: it loads our snippet for that shell when the snippet exists. */
  line: string
  path: string
  shell: ProfileShell
}

/** The user's shell, from $SHELL (PowerShell on Windows); anything we do not know gets bash's profile. */
export function loginShell(env: NodeJS.ProcessEnv, platform = process.platform): ProfileShell {
  if (platform === 'win32') return 'pwsh'
  const name = basename(env.SHELL ?? '').replace(/\.exe$/, '')
  if (name === 'zsh' || name === 'fish' || name === 'pwsh') return name
  return 'bash'
}

/** The file each shell reads for every interactive session, and the line that sources our snippet there. */
export function shellProfile(
  paths: HomePaths,
  env: NodeJS.ProcessEnv,
  shell = loginShell(env),
  platform = process.platform,
): ShellProfile {
  const home = env.HOME || homedir()
  const config = env.XDG_CONFIG_HOME || join(home, '.config')
  switch (shell) {
    case 'bash':
      return {line: profileLine(paths.envSh, 'sh'), path: join(home, '.bashrc'), shell}
    case 'fish':
      return {line: profileLine(paths.envFish, 'fish'), path: join(config, 'fish', 'config.fish'), shell}
    case 'pwsh': {
      const dir =
        platform === 'win32'
          ? join(env.USERPROFILE || home, 'Documents', 'PowerShell')
          : join(config, 'powershell')
      const path = join(dir, 'Microsoft.PowerShell_profile.ps1')
      return {line: profileLine(paths.envPs1, 'pwsh'), path, shell}
    }

    case 'zsh':
      return {line: profileLine(paths.envSh, 'sh'), path: join(env.ZDOTDIR || home, '.zshrc'), shell}
  }
}

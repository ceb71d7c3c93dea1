import {homedir} from 'node:os'
import {basename, join} from 'node:path'

// Node built-ins only: the no-op fast path loads this before oclif.

export type ProfileShell = 'bash' | 'fish' | 'pwsh' | 'zsh'

/** The user's shell, from $SHELL (PowerShell on Windows); a shell we do not know gets bash's profile. */
export function loginShell(env: NodeJS.ProcessEnv, platform = process.platform): ProfileShell {
  if (platform === 'win32') return 'pwsh'
  const name = basename(env.SHELL ?? '').replace(/\.exe$/, '')
  return name === 'zsh' || name === 'fish' || name === 'pwsh' ? name : 'bash'
}

/** The file the login shell reads in every interactive session: where `--shell-profile` puts its line. */
export function shellProfile(env: NodeJS.ProcessEnv, platform = process.platform): string {
  const home = env.HOME || homedir()
  const config = env.XDG_CONFIG_HOME || join(home, '.config')
  switch (loginShell(env, platform)) {
    case 'bash':
      return join(home, '.bashrc')
    case 'fish':
      return join(config, 'fish', 'config.fish')
    case 'pwsh':
      return platform === 'win32'
        ? join(env.USERPROFILE || home, 'Documents', 'PowerShell', 'Microsoft.PowerShell_profile.ps1')
        : join(config, 'powershell', 'Microsoft.PowerShell_profile.ps1')
    case 'zsh':
      return join(env.ZDOTDIR || home, '.zshrc')
  }
}

import {homedir} from 'node:os'
import {basename, join} from 'node:path'

/** The profile of the user's login shell: zsh reads ~/.zshrc, everything else here gets ~/.bashrc. */
export function shellProfile(env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir()
  return join(home, basename(env.SHELL ?? '') === 'zsh' ? '.zshrc' : '.bashrc')
}

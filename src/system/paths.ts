import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import {DevCertsError} from './errors.js'

/** Where our generated files live. Fixed names, so env files that point here never change. */
export interface HomePaths {
  bundle: string
  envFish: string
  envPs1: string
  envSh: string
  home: string
  /** Content for admin steps a user runs by hand (`sudo install … staged/x.crt /usr/local/…`). */
  staged: string
  state: string
  teamCa: string
}

export function certsHome(dataDir: string, env: NodeJS.ProcessEnv = process.env): HomePaths {
  const home = resolve(env.DEV_CERTS_HOME || join(dataDir, 'certs'))
  if (/[\u0000-\u001f\u007f]/.test(home)) {
    throw new DevCertsError(
      'BAD_HOME',
      `DEV_CERTS_HOME contains a control character: ${JSON.stringify(home)}.`,
      {
        fix: 'Choose a directory whose path has no newline or control character.',
      },
    )
  }

  return {
    bundle: join(home, 'bundle.pem'),
    envFish: join(home, 'env.fish'),
    envPs1: join(home, 'env.ps1'),
    envSh: join(home, 'env.sh'),
    home,
    staged: join(home, 'staged'),
    state: join(home, 'state.json'),
    teamCa: join(home, 'team-ca.pem'),
  }
}

/** The CLI's data dir as oclif computes it for bin `dev`, for code that runs without an oclif Config. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEV_DATA_DIR) return env.DEV_DATA_DIR
  // Exactly oclif's rule (Config.dir('data')), a relative XDG_DATA_HOME included: the hook and the oclif
  // commands get oclif's dataDir, and every path must find the same home.
  const base =
    env.XDG_DATA_HOME ||
    (process.platform === 'win32' && env.LOCALAPPDATA) ||
    join(env.HOME || homedir(), '.local', 'share')
  return join(base, 'dev')
}

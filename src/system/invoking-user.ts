import {homedir} from 'node:os'

import {exec} from './exec.js'
import {logger} from './log.js'
import {isRoot} from './platform.js'

const log = logger('user')

/** The person setup works for: under `sudo dev …` that is SUDO_USER, never root. */
export interface InvokingUser {
  /** '' when the system does not know the user's home: then we touch nothing of theirs. */
  home: string
  /** Unset when setup already runs as that user. */
  name?: string
  /** Prefix for commands that touch the user's own files (NSS databases), empty when we are the user. */
  runAs: string[]
}

export async function invokingUser(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Promise<InvokingUser> {
  const name = env.SUDO_USER
  if (!isRoot() || !name || name === 'root') return {home: env.HOME || homedir(), runAs: []}
  // getent, not /etc/passwd: the user may come from LDAP or another NSS source.
  const entry = await exec(['/usr/bin/getent', 'passwd', name])
  const home = entry.failed ? undefined : entry.stdout.trim().split(':')[5]
  log('acting as SUDO_USER=%s (home %s)', name, home ?? 'unknown')
  const runAs =
    platform === 'darwin' ? ['/usr/bin/sudo', '-u', name, '--'] : ['/usr/sbin/runuser', '-u', name, '--']
  return {home: home ?? '', name, runAs}
}

import {execa} from 'execa'
import {fileURLToPath} from 'node:url'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/** A minimal, explicit env: the machine's own CA variables never leak into a test. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    PATH: `${process.execPath.replace(/\/node$/, '')}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value
  return env
}

/** Runs the built CLI (`bin/run.js`) as a user would, in `cwd`, with exactly `env`. */
export async function dev(args: string[], options: {cwd: string; env: Record<string, string>}) {
  return execa(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  })
}

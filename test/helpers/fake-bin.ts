import {mkdir, readFile, rm, symlink} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {cleanEnv} from './cli.js'

const FAKES = fileURLToPath(new URL('../fakes/', import.meta.url))

/**
 * A directory of fake platform tools (security, launchctl, certutil, whoami) put first on PATH, with a state
 * directory where they keep their stores and record every argv they are called with.
 */
export interface FakeTools {
  bin: string
  /** Every call so far, as argv arrays (program name first). */
  calls(): Promise<string[][]>
  env(extra?: Record<string, string | undefined>): Record<string, string>
  reset(): Promise<void>
  state(): Promise<Record<string, unknown>>
  stateDir: string
}

export async function fakeTools(dir: string, names: string[]): Promise<FakeTools> {
  const bin = join(dir, 'bin')
  const stateDir = join(dir, 'state')
  await mkdir(bin, {recursive: true})
  await mkdir(stateDir, {recursive: true})
  for (const name of names) await symlink(join(FAKES, `${name}.mjs`), join(bin, name))
  return {
    bin,
    async calls() {
      const text = await readFile(join(stateDir, 'calls.jsonl'), 'utf8').catch(() => '')
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[])
    },
    env(extra = {}) {
      const base = cleanEnv()
      // A safety net: were --store ever ignored, detection finds no os-release and writes no Linux store.
      const noRelease = join(dir, 'no-os-release')
      return cleanEnv({
        DEV_CERTS_OS_RELEASE: noRelease,
        FAKE_STATE: stateDir,
        PATH: `${bin}:${base.PATH}`,
        ...extra,
      })
    },
    async reset() {
      await rm(join(stateDir, 'calls.jsonl'), {force: true})
    },
    async state() {
      return JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8').catch(() => '{}'))
    },
    stateDir,
  }
}

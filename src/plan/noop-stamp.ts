import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {logger} from '../system/log.js'

const log = logger('noop')

/**
 * "Nothing changed" by hashing instead of re-parsing: after a full run, setup records the hash of every file it
 * read or wrote. A later run whose files all hash the same has nothing to do, and can say so without loading
 * oclif, node-forge or the network code. Network sources are not re-fetched on that path: the pins in the
 * config decide what may be trusted, and a changed config is a changed hash.
 *
 * This module loads only Node built-ins (and `debug` once DEBUG is set): it sits on the hot path of every
 * `dev setup`.
 */
export interface StampKey {
  configPath: string
  home: string
  profile?: string
  system: boolean
}

interface Stamp {
  env: Record<string, null | string>
  /** The earliest notAfter of the trusted CAs, so the fast path can still warn before it passes. */
  expires?: string
  files: Record<string, null | string>
  summary: string
}

export interface StampHit {
  expires?: Date
  summary: string
}

const STAMPS_FILE = '.noop-stamps.json'

export function stampsPath(home: string): string {
  return join(home, STAMPS_FILE)
}

/** Returns the recorded summary when nothing changed since the recorded run, else undefined. */
export async function matchStamp(
  key: StampKey,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StampHit | undefined> {
  const stamps = await readStamps(key.home)
  const stamp = stamps[keyOf(key, env)]
  if (!stamp) return miss('no stamp for this config, home and flags')
  if (stamp.expires && new Date(stamp.expires) <= new Date()) return miss('a trusted CA has expired since')
  for (const [path, hash] of Object.entries(stamp.files)) {
    if ((await hashFile(path)) !== hash) return miss(`${path} changed since the last run`)
  }

  for (const [name, hash] of Object.entries(stamp.env)) {
    if (hashOf(env[name]) !== hash) return miss(`$${name} changed since the last run`)
  }

  log('nothing to do: %d recorded files unchanged', Object.keys(stamp.files).length)

  return {expires: stamp.expires ? new Date(stamp.expires) : undefined, summary: stamp.summary}
}

export async function recordStamp(
  key: StampKey,
  inputs: {env: string[]; expires?: Date; files: string[]; summary: string},
  env: NodeJS.ProcessEnv = process.env,
): Promise<{content: string; path: string}> {
  const stamps = await readStamps(key.home)
  const paths = [...new Set(inputs.files)].sort()
  const hashes = await Promise.all(paths.map((path) => hashFile(path)))
  const files = Object.fromEntries(paths.map((path, i) => [path, hashes[i]]))
  const envHashes: Record<string, null | string> = {}
  for (const name of inputs.env) envHashes[name] = hashOf(env[name])
  stamps[keyOf(key, env)] = {
    env: envHashes,
    expires: inputs.expires?.toISOString(),
    files,
    summary: inputs.summary,
  }
  return {content: JSON.stringify(stamps, null, 2) + '\n', path: stampsPath(key.home)}
}

/** Says why the fast path stepped aside. */
function miss(reason: string): undefined {
  log('full run: %s', reason)
  return undefined
}

function keyOf(key: StampKey, env: NodeJS.ProcessEnv): string {
  const parts = [
    key.configPath,
    key.home,
    key.system,
    key.profile ?? '',
    env.DEV_CERTS_OS_BUNDLE ?? '',
    env.DEV_CERTS_OS_RELEASE ?? '',
  ]
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)
}

/** The stamps file is only a cache: anything but an object of stamps reads as empty, never as an error. */
async function readStamps(home: string): Promise<Record<string, Stamp>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(stampsPath(home), 'utf8'))
    if (!isRecord(parsed)) return {}
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, Stamp] => isStamp(entry[1])),
    )
  } catch {
    return {}
  }
}

function isStamp(value: unknown): value is Stamp {
  return (
    isRecord(value) &&
    isRecord(value.files) &&
    isRecord(value.env) &&
    typeof value.summary === 'string' &&
    (value.expires === undefined || typeof value.expires === 'string')
  )
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

async function hashFile(path: string): Promise<null | string> {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex')
  } catch {
    return null
  }
}

function hashOf(value: string | undefined): null | string {
  return value === undefined ? null : createHash('sha256').update(value).digest('hex')
}

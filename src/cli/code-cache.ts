import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname} from 'node:path'
import {Script} from 'node:vm'

import {logger} from '../system/log.js'

const log = logger('load')

/**
 * The cache file starts with the SHA-256 of the source it was made from (V8's own check is the source's length
 * only), then the SHA-256 of V8's data (which V8 does not check: a damaged byte can crash Node or change code).
 */
const HASH_BYTES = 32
const HEADER_BYTES = 2 * HASH_BYTES

/** A CommonJS file's code as Node wraps it: the same text when the cache is made and when it is used. */
export function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`
}

/** What `file.cache` holds for `source`: the header, then V8's code cache for the wrapped source. */
export function cacheContent(source: string, v8Data: Buffer): Buffer {
  return Buffer.concat([sha256(source), sha256(v8Data), v8Data])
}

/**
 * How a load used the cache: `stale` is a cache made for another source, `damaged` one whose bytes changed since
 * it was made, `refused` one V8 would not take (made by another Node).
 */
export type CacheUse = 'damaged' | 'missing' | 'refused' | 'stale' | 'used'

/**
 * Requires a CommonJS bundle with the V8 code cache made for it at build time (`file.cache`). Compiling the
 * direct setup and execa was a third of what a first setup adds to the OS tool; from the cache it is a copy.
 * A cache that is missing, made for another source, damaged or refused by V8 only costs that time.
 */
export function requireWithCodeCache(file: string): {cache: CacheUse; exports: unknown} {
  const source = readFileSync(file, 'utf8')
  const checked = checkCache(source, readCache(`${file}.cache`))
  const script = new Script(wrapCommonJs(source), {cachedData: checked.data, filename: file})
  const use = checked.use === 'used' && script.cachedDataRejected ? 'refused' : checked.use
  log('%s: code cache %s (%s)', file, use, process.version)
  return {cache: use, exports: runCommonJs(script, file).exports}
}

/** Runs a script made from wrapCommonJs as Node runs a CommonJS file, and returns its module. */
export function runCommonJs(script: Script, file: string): {exports: Record<string, unknown>} {
  const module = {exports: {}}
  const run = script.runInThisContext() as (...args: unknown[]) => void
  run(module.exports, createRequire(file), module, file, dirname(file))
  return module
}

/** V8's data when the cache was made from this source and is whole, else why it is not used. */
function checkCache(source: string, cache: Buffer | undefined): {data?: Buffer; use: CacheUse} {
  if (!cache) return {use: 'missing'}
  if (!cache.subarray(0, HASH_BYTES).equals(sha256(source))) return {use: 'stale'}
  const data = cache.subarray(HEADER_BYTES)
  if (!cache.subarray(HASH_BYTES, HEADER_BYTES).equals(sha256(data))) return {use: 'damaged'}
  return {data, use: 'used'}
}

function readCache(path: string): Buffer | undefined {
  try {
    const content = readFileSync(path)
    return content.length > HEADER_BYTES ? content : undefined
  } catch {
    return undefined
  }
}

function sha256(content: Buffer | string): Buffer {
  return createHash('sha256').update(content).digest()
}

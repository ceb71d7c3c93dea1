import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname} from 'node:path'
import {Script} from 'node:vm'

import {logger} from '../system/log.js'

const log = logger('load')

/** The cache file starts with the SHA-256 of the source it was made from; V8's own check is the length only. */
const HEADER_BYTES = 32

/** A CommonJS file's code as Node wraps it: the same text when the cache is made and when it is used. */
export function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`
}

/** What `file.cache` holds for `source`: the header, then V8's code cache for the wrapped source. */
export function cacheContent(source: string, v8Data: Buffer): Buffer {
  return Buffer.concat([sourceHash(source), v8Data])
}

/** How a load used the cache: `stale` is a cache made for another source, `refused` one V8 would not take. */
export type CacheUse = 'missing' | 'refused' | 'stale' | 'used'

/**
 * Requires a CommonJS bundle with the V8 code cache made for it at build time (`file.cache`). Compiling the
 * direct setup and execa was a third of what a first setup adds to the OS tool; from the cache it is a copy.
 * A cache that is missing, made for another source, or refused by V8 (another Node) only costs that time.
 */
export function requireWithCodeCache(file: string): {cache: CacheUse; exports: unknown} {
  const source = readFileSync(file, 'utf8')
  const cache = readCache(`${file}.cache`)
  const fresh = cache !== undefined && cache.subarray(0, HEADER_BYTES).equals(sourceHash(source))
  const script = new Script(wrapCommonJs(source), {
    cachedData: fresh ? cache.subarray(HEADER_BYTES) : undefined,
    filename: file,
  })
  const use: CacheUse = !cache ? 'missing' : !fresh ? 'stale' : script.cachedDataRejected ? 'refused' : 'used'
  log('%s: code cache %s (%s)', file, use, process.version)
  const module = {exports: {}}
  const run = script.runInThisContext() as (...args: unknown[]) => void
  run(module.exports, createRequire(file), module, file, dirname(file))
  return {cache: use, exports: module.exports}
}

function readCache(path: string): Buffer | undefined {
  try {
    const content = readFileSync(path)
    return content.length > HEADER_BYTES ? content : undefined
  } catch {
    return undefined
  }
}

function sourceHash(source: string): Buffer {
  return createHash('sha256').update(source).digest()
}

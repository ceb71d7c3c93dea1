import {execa} from 'execa'
import {mkdtemp, readFile, rm, truncate, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cacheContent, requireWithCodeCache} from '../../src/cli/code-cache.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

/** The first setup's code loads from a V8 code cache made at build time; a cache that does not fit is not used. */
describe('requireWithCodeCache', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-code-cache-'))
  })
  afterAll(() => rm(dir, {force: true, recursive: true}))

  /** A bundle made the way the build makes one: the source, then scripts/code-cache.js beside it. */
  async function bundleWithCache(name: string, source: string): Promise<string> {
    const file = join(dir, name)
    await writeFile(file, source)
    await execa(process.execPath, [join(REPO, 'scripts', 'code-cache.js'), file], {cwd: REPO})
    return file
  }

  it('loads from the cache the build made, with the same exports as a plain require', async () => {
    const file = await bundleWithCache('fresh.cjs', "exports.answer = () => 'from the bundle'\n")
    const loaded = requireWithCodeCache(file)
    expect(loaded.cache).toBe('used')
    expect((loaded.exports as {answer: () => string}).answer()).toBe('from the bundle')
  })

  it('runs the new source when the file changed after its cache was made, even at the same length', async () => {
    const file = await bundleWithCache('edited.cjs', "exports.answer = () => 'old'\n")
    // V8 checks a cache against the source's length alone: without our hash it would run the old code.
    await writeFile(file, "exports.answer = () => 'new'\n")
    const loaded = requireWithCodeCache(file)
    expect(loaded.cache).toBe('stale')
    expect((loaded.exports as {answer: () => string}).answer()).toBe('new')
  })

  // Each case has a source of its own: V8 keeps what it compiled in this process and would not read a cache again.
  it('ignores a cache whose bytes changed since it was made, which V8 itself would run or crash on', async () => {
    const flipped = await bundleWithCache('flipped.cjs', "exports.name = () => 'REQUESTS_CA_BUNDLE'\n")
    const cache = await readFile(`${flipped}.cache`)
    const at = cache.indexOf('REQUESTS_CA_BUNDLE')
    // A string the code returns, where the bytecode keeps it: one letter changed, same length.
    if (at > 0) cache[at + 17] = 'X'.charCodeAt(0)
    else cache[cache.length - 1] ^= 0xff
    await writeFile(`${flipped}.cache`, cache)
    const loaded = requireWithCodeCache(flipped)
    expect(loaded.cache).toBe('damaged')
    expect((loaded.exports as {name: () => string}).name()).toBe('REQUESTS_CA_BUNDLE')

    const garbage = await bundleWithCache('garbage.cjs', 'exports.value = 2\n')
    const whole = await readFile(`${garbage}.cache`)
    await writeFile(
      `${garbage}.cache`,
      Buffer.concat([whole.subarray(0, 64), Buffer.alloc(whole.length - 64, 7)]),
    )
    expect(requireWithCodeCache(garbage)).toEqual({cache: 'damaged', exports: {value: 2}})
  })

  it('compiles as usual when V8 refuses the cache, or when it is cut short or missing', async () => {
    // Whole, and made for this source as far as our header says, but V8's data is another script's.
    const other = await bundleWithCache('other.cjs', 'exports.value = "a longer source than the next one"\n')
    const refused = join(dir, 'refused.cjs')
    await writeFile(refused, 'exports.value = 1\n')
    const data = (await readFile(`${other}.cache`)).subarray(64)
    await writeFile(`${refused}.cache`, cacheContent('exports.value = 1\n', data))
    expect(requireWithCodeCache(refused)).toEqual({cache: 'refused', exports: {value: 1}})

    const cut = await bundleWithCache('cut.cjs', 'exports.value = 3\n')
    await truncate(`${cut}.cache`, 40)
    expect(requireWithCodeCache(cut)).toEqual({cache: 'missing', exports: {value: 3}})

    const missing = await bundleWithCache('missing.cjs', 'exports.value = 4\n')
    await rm(`${missing}.cache`)
    expect(requireWithCodeCache(missing)).toEqual({cache: 'missing', exports: {value: 4}})
  })

  it('the built setup bundle loads from its own cache on this Node', () => {
    const loaded = requireWithCodeCache(join(REPO, 'dist', 'cli', 'setup.cjs'))
    expect(loaded.cache).toBe('used')
    expect(Object.keys(loaded.exports as object)).toEqual(
      expect.arrayContaining(['processReporter', 'setupCommand']),
    )
  })
})

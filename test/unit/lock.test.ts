import {mkdtemp, readdir, readFile, rm, utimes, writeFile} from 'node:fs/promises'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {withLock} from '../../src/system/lock.js'

describe('the lock on DEV_CERTS_HOME', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-lock-'))
  })
  afterEach(async () => rm(dir, {force: true, recursive: true}))

  it('serialises two runs: the second waits, says so, and runs after the first', async () => {
    const order: string[] = []
    const waited: string[] = []
    let release!: () => void
    const first = withLock(
      dir,
      () => undefined,
      async () => {
        order.push('first start')
        await new Promise<void>((resolve) => (release = resolve))
        order.push('first end')
      },
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    const second = withLock(
      dir,
      (holder) => waited.push(holder),
      async () => order.push('second'),
    )
    await new Promise((resolve) => setTimeout(resolve, 250))
    release()
    await Promise.all([first, second])
    expect(order).toEqual(['first start', 'first end', 'second'])
    expect(waited).toEqual([String(process.pid)])
  })

  it('takes over a lock left by a process that no longer runs', async () => {
    await writeFile(join(dir, '.lock'), `999999999\n${hostname()}\n123\n`)
    const waited: string[] = []
    expect(
      await withLock(
        dir,
        (holder) => waited.push(holder),
        async () => 'ran',
      ),
    ).toBe('ran')
    expect(waited).toEqual([])
  })

  it('takes over a lock whose pid was reused by a newer process', async () => {
    await writeFile(join(dir, '.lock'), `${process.pid}\n${hostname()}\n1\n`)
    expect(
      await withLock(
        dir,
        () => undefined,
        async () => 'ran',
      ),
    ).toBe('ran')
  })

  // Found by the crash test: a run killed between creating the lock and writing it left an empty lock, which
  // never looked stale; every later run waited for it, then failed.
  it('takes over an empty lock once it has stayed empty for a few seconds, and waits for a fresh one', async () => {
    const lock = join(dir, '.lock')
    await writeFile(lock, '')
    const waited: string[] = []
    await expect(
      withLock(
        dir,
        (holder) => waited.push(holder),
        async () => 'ran',
        300,
      ),
    ).rejects.toThrow('Another dev-certs run')
    expect(waited).toEqual(['unknown'])

    const old = new Date(Date.now() - 60_000)
    await utimes(lock, old, old)
    expect(
      await withLock(
        dir,
        () => undefined,
        async () => 'ran',
        300,
      ),
    ).toBe('ran')
  })

  it('is written whole before it appears, and the temp files of runs killed before that are cleared', async () => {
    const dead = join(dir, '..lock.999999999.0123abcd.tmp')
    await writeFile(dead, '999999999\n')
    const seen = await withLock(
      dir,
      () => undefined,
      async () => [await readFile(join(dir, '.lock'), 'utf8'), await readdir(dir)],
    )
    expect(seen[0]).toMatch(new RegExp(`^${process.pid}\\n${hostname()}\\n\\d+\\n$`))
    expect(seen[1]).toEqual(['.lock'])
    expect(await readdir(dir)).toEqual([])
  })

  it('gives up on a live lock after its timeout, naming the holder and the fix', async () => {
    const live = await readFile('/proc/self/stat', 'utf8').then(
      (stat) => stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19],
    )
    await writeFile(join(dir, '.lock'), `${process.pid}\n${hostname()}\n${live}\n`)
    await expect(
      withLock(
        dir,
        () => undefined,
        async () => 'ran',
        300,
      ),
    ).rejects.toThrow(`Another dev-certs run (pid ${process.pid}) holds ${join(dir, '.lock')}`)
  })
})

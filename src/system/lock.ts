import {hostname} from 'node:os'
import {constants, readFileSync} from 'node:fs'
import {link, mkdir, open, readFile, rename, rm, rmdir, stat, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {DevCertsError} from './errors.js'
import {fileError, removeDeadTemps, tempPathFor} from './files.js'
import {logger} from './log.js'

const log = logger('lock')
const POLL_MS = 100
const EMPTY_LOCK_MS = 5000

/**
 * Serialises runs on one DEV_CERTS_HOME (an IDE and a terminal, parallel `dev setup` hooks). The lock is a file
 * holding the owner's pid; a lock whose process is gone is taken over.
 */
export async function withLock<T>(
  dir: string,
  onWait: (holder: string) => void,
  work: () => Promise<T>,
  timeoutMs = 120_000,
): Promise<T> {
  const created = await makeDirs(dir)
  const path = join(dir, '.lock')
  const deadline = Date.now() + timeoutMs
  let announced = false
  for (;;) {
    const taken = await tryCreate(path)
    if (taken) break
    const holder = await readFile(path, 'utf8').catch(() => '')
    if (isStale(holder) || (!holder && (await leftEmpty(path)))) {
      await takeOver(path, holder)
      continue
    }

    if (!announced) {
      onWait(holder.split('\n')[0] || 'unknown')
      announced = true
    }

    if (Date.now() > deadline) {
      throw new DevCertsError(
        'LOCKED',
        `Another dev-certs run (pid ${holder.split('\n')[0]}) holds ${path}.`,
        {
          fix: 'Wait for it to finish; if no dev-certs is running, delete the lock file.',
        },
      )
    }

    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }

  log('locked %s', path)
  // The lock's own temp files of runs killed before they linked it.
  await removeDeadTemps(dir)
  try {
    return await work()
  } finally {
    await rm(path, {force: true})
    log('unlocked %s', path)
    // A run that failed before writing anything leaves no empty directories behind.
    if (created) await removeEmptyChain(dir, created)
  }
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir spins forever under /proc, and its raw EEXIST for a
 * path that is a file names neither the variable nor the fix. Returns the top directory it created.
 */
async function makeDirs(dir: string): Promise<string | undefined> {
  const missing: string[] = []
  let current = dir
  for (;;) {
    const info = await stat(current).catch(() => undefined)
    if (info?.isDirectory()) break
    if (info) {
      throw new DevCertsError('HOME_NOT_DIR', `${current} is a file, so ${dir} cannot be created.`, {
        fix: 'Set DEV_CERTS_HOME to a directory (or a path that does not exist yet).',
      })
    }

    missing.unshift(current)
    if (dirname(current) === current) break
    current = dirname(current)
  }

  for (const path of missing) {
    await mkdir(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw fileError('create the directory', path, error)
    })
  }

  return missing[0]
}

async function removeEmptyChain(deepest: string, top: string): Promise<void> {
  for (let current = deepest; current.startsWith(top); current = dirname(current)) {
    const removed = await rmdir(current).then(
      () => true,
      () => false,
    )
    if (!removed || current === top) return
  }
}

/**
 * The lock is written whole beside its path, then linked into place: a run killed at any moment leaves no lock or
 * one that names it. An empty lock (killed between creating and writing it) never looked stale, and every later
 * run waited for it, then failed. Where hard links are not supported, the lock is created and written in place.
 */
async function tryCreate(path: string): Promise<boolean> {
  const content = `${process.pid}\n${hostname()}\n${startTime(process.pid)}\n`
  // A run killed before the link leaves one that the next run clears (removeDeadTemps).
  const temp = tempPathFor(path)
  await writeFile(temp, content, {flag: 'wx', mode: 0o644})
  try {
    await link(temp, path)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error
    return createInPlace(path, content)
  } finally {
    await rm(temp, {force: true})
  }
}

async function createInPlace(path: string, content: string): Promise<boolean> {
  try {
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644)
    await handle.writeFile(content)
    await handle.close()
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/**
 * A lock from this host whose process is gone, or whose pid now belongs to a process that started later
 * (pids are reused). A lock being written (empty) is not stale yet.
 */
function isStale(holder: string): boolean {
  const [pid, host, started] = holder.split('\n')
  if (!pid || host !== hostname()) return false
  try {
    process.kill(Number(pid), 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }

  return Boolean(started) && startTime(Number(pid)) !== started
}

/**
 * An empty lock is one being written in place, for a moment; one still empty after a few seconds was left by a
 * run killed in that moment (or by an older version, which always wrote in place).
 */
async function leftEmpty(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined)
  return info !== undefined && info.size === 0 && Date.now() - info.mtimeMs > EMPTY_LOCK_MS
}

/** The process start time in clock ticks since boot (Linux /proc), or '' where there is no /proc. */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? ''
  } catch {
    return ''
  }
}

/** Moves the stale lock aside; only one contender's rename succeeds, the others retry. */
async function takeOver(path: string, holder: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => '')
  if (current !== holder) return
  const aside = `${path}.stale.${process.pid}`
  await rename(path, aside).then(
    () => log('took over a stale lock from pid %s', holder.split('\n')[0]),
    () => undefined,
  )
  await rm(aside, {force: true})
}

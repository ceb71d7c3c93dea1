import {randomBytes} from 'node:crypto'
import {constants} from 'node:fs'
import {
  chmod,
  chown,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {DevCertsError} from './errors.js'
import {logger} from './log.js'

const log = logger('fs')

/** Reads a file, or returns undefined when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw fileError('read', path, error)
  }
}

/**
 * Writes `content` so that readers only ever see the old file or the new one: a temp file in the same
 * directory, fsync, rename. A symlink is followed and the link itself kept; an existing file keeps its
 * mode and owner.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Buffer,
  mode = 0o644,
  options: StageOptions = {},
): Promise<void> {
  await removeDeadTemps(dirname(await resolveLink(path)))
  await (await stageFile(path, content, mode, options)).commit()
}

export interface StageOptions {
  /**
   * false skips the fsync, for a cache whose content proves itself when read (the no-op stamps): after a crash
   * it may be empty or old, never a mix, and either reads as "do the full run". Everything else is synced.
   */
  sync?: boolean
}

/** A file written and synced beside its target, not yet in place: commit renames it over, discard removes it. */
export interface StagedFile {
  commit(): Promise<void>
  discard(): Promise<void>
}

/**
 * The first half of writeFileAtomic. Several files staged at once sync together, then each commits alone. The
 * caller clears dead temps in the directory first (removeDeadTemps), once for all the files it stages there.
 */
export async function stageFile(
  path: string,
  content: string | Buffer,
  mode = 0o644,
  options: StageOptions = {},
): Promise<StagedFile> {
  const target = await resolveLink(path)
  const dir = dirname(target)
  const previous = await stat(target).catch(() => undefined)
  if (previous?.isDirectory()) {
    throw new DevCertsError('NOT_A_FILE', `${target} is a directory, not a file.`, {
      fix: `Move the directory away: dev-certs writes a file at that path.`,
    })
  }

  await mkdir(dir, {recursive: true}).catch((error) => {
    throw fileError('create the directory of', target, error)
  })
  const temp = tempPathFor(target)
  // Never throws: a temp that cannot be removed (a directory made read-only meanwhile) must not hide the error
  // that made us discard it; the next run in that directory clears it.
  const discard = () => rm(temp, {force: true}).catch((error) => log('temp %s kept: %s', temp, error))
  try {
    const handle = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      previous?.mode ?? mode,
    )
    try {
      await handle.writeFile(content)
      if (options.sync !== false) await handle.sync()
    } finally {
      await handle.close()
    }

    await chmod(temp, previous ? previous.mode & 0o7777 : mode)
    if (previous && process.getuid?.() === 0) await chown(temp, previous.uid, previous.gid)
  } catch (error) {
    await discard()
    throw fileError('write', target, error)
  }

  const commit = async () => {
    try {
      await rename(temp, target)
    } catch (error) {
      await discard()
      throw fileError('write', target, error)
    }

    log('wrote %s (%d bytes)', target, Buffer.byteLength(content))
  }

  return {commit, discard}
}

/** Our temp files: `.NAME.PID.HEX.tmp`, beside their target. */
const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/

/** A temp file beside `target`, named so that removeDeadTemps can tell whose it is once that run is gone. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
}

/**
 * A run killed between creating its temp files and renaming them leaves them behind. Every run that writes or
 * removes a file in a directory clears there the temps of runs that are no longer alive, whichever file they
 * were for: the next run may not write that file again, and uninstall may remove it.
 */
export async function removeDeadTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    const pid = TEMP.exec(name)?.[2]
    if (pid && Number(pid) !== process.pid && !alive(Number(pid))) {
      await rm(join(dir, name), {force: true}).then(
        () => log('removed %s, left by a run that was killed', join(dir, name)),
        (error: unknown) => log('kept %s, left by a run that was killed: %s', join(dir, name), error),
      )
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/** Removes a file; through a symlink, the file it leads to (what a write through it created), not the link. */
export async function removeFile(path: string): Promise<boolean> {
  const target = await resolveLink(path)
  try {
    await rm(target)
    log('removed %s', target)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw fileError('remove', target, error)
  }
}

/** Where a write to `path` lands: the path itself, or the file a symlink leads to, even one not there yet. */
export async function resolveLink(path: string): Promise<string> {
  const info = await lstat(path).catch(() => undefined)
  if (!info?.isSymbolicLink()) return path
  // A dangling link is written through to its target, like an editor would.
  return realpath(path).catch(async () => {
    const {readlink} = await import('node:fs/promises')
    const target = await readlink(path)
    return target.startsWith('/') ? target : join(dirname(path), target)
  })
}

export function fileError(action: string, path: string, error: unknown): DevCertsError {
  if (error instanceof DevCertsError) return error
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
  const hints: Record<string, string> = {
    EACCES: 'Check the permissions of the file and its directory (was it created by a sudo run?).',
    EISDIR: 'The path is a directory where a file belongs; move it away.',
    ENOENT: 'Check that the directory exists (is the drive mounted?).',
    ENOSPC: 'Free some disk space and run the command again.',
    EPERM: 'Check the permissions of the file and its directory.',
    EROFS: 'The file system is read-only; choose a writable location (DEV_CERTS_HOME or the config).',
  }
  return new DevCertsError(
    `FS_${code}`,
    `Could not ${action} ${path}: ${code} (${(error as Error).message}).`,
    {
      cause: error,
      fix: hints[code] ?? 'Check the path and try again.',
    },
  )
}

import {mkdir, rm, rmdir, stat} from 'node:fs/promises'
import {basename, dirname, join, resolve, sep} from 'node:path'

import {errorMessage} from '../system/errors.js'
import {exec, run} from '../system/exec.js'
import {
  readIfExists,
  removeDeadTemps,
  removeFile,
  resolveLink,
  type StagedFile,
  stageFile,
  writeFileAtomic,
} from '../system/files.js'
import {logger} from '../system/log.js'
import {isRoot} from '../system/platform.js'
import {checkWritable} from './preflight.js'
import {describeStep, manualCommand, type Step} from './step.js'

const log = logger('apply')

/** Admin helpers run with a fixed PATH, so a tool shadowed in a virtualenv cannot break them. */
const ADMIN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin'

export interface ApplyOptions {
  /** A person is at a terminal: sudo may ask for a password, after we announce the command. */
  interactive: boolean
  progress: (line: string) => void
  /** Where admin file content is staged for `sudo install` (inside DEV_CERTS_HOME). */
  stagedDir: string
}

export interface ApplyResult {
  applied: Step[]
  /** Admin commands left for the user to run (no root, no passwordless sudo, no terminal). */
  manual: string[][]
}

type Privilege = 'direct' | 'manual' | 'sudo' | 'sudo-n'

/** With --dry-run, prints each step and returns undefined; otherwise checks every target, then applies. */
export async function runPlan(
  steps: Step[],
  options: ApplyOptions & {dryRun: boolean},
): Promise<ApplyResult | undefined> {
  if (options.dryRun) {
    for (const step of steps) options.progress(`plan: ${describeStep(step)}`)
    return undefined
  }

  await checkWritable(steps)
  return applyPlan(steps, options)
}

/**
 * Runs the steps in order. When one fails, the files this run already changed are put back as they were, so a
 * failed run leaves nothing half-done; the error is rethrown.
 */
export async function applyPlan(steps: Step[], options: ApplyOptions): Promise<ApplyResult> {
  const undo: Undo[] = []
  const touched = steps.flatMap((step) =>
    step.kind === 'write' || step.kind === 'remove' ? [step.path] : [],
  )
  // Where each file lands (through a link), once: its directory is swept, and made for the staged files.
  const dirOf = new Map(
    await Promise.all(touched.map(async (path) => [path, dirname(await resolveLink(path))] as const)),
  )
  for (const dir of new Set(dirOf.values())) await removeDeadTemps(dir)
  const [staging, reading] = await Promise.allSettled([
    prepareWrites(steps, dirOf),
    undoBeforeCommands(steps),
  ])
  if (staging.status === 'rejected') throw staging.reason
  const prepared = staging.value
  if (reading.status === 'rejected') {
    await prepared.undo()
    throw reading.reason
  }

  const undos = reading.value
  // Commands that must run again once the files are back (a store's refresh), in the order they first ran.
  const rerun: string[][] = []
  try {
    const result = await applySteps(steps, options, {rerun, undo}, {prepared: prepared.files, undos})
    // Files of steps that never ran (after admin steps left to the user); a no-op for those committed.
    await Promise.all([...prepared.files.values()].map((file) => file.discard()))
    return result
  } catch (error) {
    const lost: string[] = []
    for (const restore of undo.reverse()) {
      await restore().catch((failure: unknown) => {
        log('rollback failed: %s', failure)
        lost.push(errorMessage(failure))
      })
    }

    await prepared.undo()
    for (const argv of rerun) {
      await run(argv, {env: {PATH: ADMIN_PATH}, extendEnv: false}).catch((failure: unknown) => {
        log('rollback: %o failed: %s', argv, failure)
        lost.push(errorMessage(failure))
      })
    }

    if (undo.length > 0) log('rolled back %d change(s)', undo.length)
    // A file that could not be put back is the one thing the user must hear of, with the error that led here.
    if (lost.length > 0 && error instanceof Error) {
      error.message += `\nPutting back what this run changed failed too:\n${lost.map((line) => `  ${line}`).join('\n')}`
    }

    throw error
  }
}

interface Staging {
  files: Map<Step, StagedFile>
  /** After a failure: discards what was staged and not committed, then the directories made for it, if empty. */
  undo(): Promise<void>
}

/**
 * Our own files are written and synced together before the first step, then each is renamed into place when its
 * step comes: the fsyncs overlap (a setup's seven files in about a third of the time), and a full disk stops the
 * run before anything has changed.
 */
async function prepareWrites(steps: Step[], dirOf: Map<string, string>): Promise<Staging> {
  // As root, admin files are written directly too (choosePrivilege), so the trust anchor is staged with the rest.
  const direct = isRoot()
  const writes = steps.filter(
    (step): step is Step & {kind: 'write'} => step.kind === 'write' && (!step.admin || direct),
  )
  const made = await makeDirs(writes.map((step) => dirOf.get(step.path)!))
  const results = await Promise.allSettled(
    writes.map((step) => stageFile(step.path, step.content, step.mode)),
  )
  const files = new Map<Step, StagedFile>()
  for (const [i, result] of results.entries())
    if (result.status === 'fulfilled') files.set(writes[i], result.value)
  const undo = async () => {
    await Promise.all([...files.values()].map((file) => file.discard()))
    // One that is not empty (a file put back there, another run's) stays, and so do the ones above it.
    for (const dir of made) {
      await rmdir(dir).then(
        () => log('removed %s, made for this run', dir),
        () => undefined,
      )
    }
  }

  // The error is the first failing file's in step order, whichever failed first in time.
  const failed = results.find((result) => result.status === 'rejected')
  if (!failed) return {files, undo}
  await undo()
  throw failed.reason
}

/**
 * Makes the directories that staged files go in, one at a time (they may nest), and returns each one made,
 * deepest first. A directory that cannot be made is left to stageFile, whose error names the file.
 */
async function makeDirs(dirs: string[]): Promise<string[]> {
  const made: string[] = []
  for (const dir of new Set(dirs)) {
    const top = await mkdir(dir, {recursive: true}).catch(() => undefined)
    if (!top) continue
    // Only directories at or below the first one made. A link target such as new/../old makes `new` but ends in
    // `old`, which was there before: none is recorded then, and an empty `new` is left rather than `old` removed.
    const first = resolve(top)
    for (let at = resolve(dir); at === first || at.startsWith(first + sep); at = dirname(at)) made.push(at)
  }

  return made.sort((a, b) => b.length - a.length)
}

/**
 * Until the first command runs, every file holds what it held when the run began, so what puts back each of our
 * own files before that point is read all at once. Later steps, and admin files, read theirs when they come.
 */
async function undoBeforeCommands(steps: Step[]): Promise<Map<Step, Undo>> {
  const firstRun = steps.findIndex((step) => step.kind === 'run')
  const early = (firstRun < 0 ? steps : steps.slice(0, firstRun)).filter((step) => !step.admin)
  return new Map(await Promise.all(early.map(async (step) => [step, await undoFor(step)] as const)))
}

type Undo = () => Promise<unknown>

async function applySteps(
  steps: Step[],
  options: ApplyOptions,
  rollback: {rerun: string[][]; undo: Undo[]},
  ready: {prepared: Map<Step, StagedFile>; undos: Map<Step, Undo>},
) {
  const {rerun, undo} = rollback
  const {prepared, undos} = ready
  const applied: Step[] = []
  const manual: string[][] = []
  const stagedHere: string[] = []
  let privilege: Privilege | undefined
  for (const step of steps) {
    if (step.afterAdmin && manual.length > 0) continue
    if (!step.admin) {
      options.progress(describeStep(step))
      undo.push(undos.get(step) ?? (await undoFor(step)))
      await (prepared.get(step)?.commit() ?? perform(step))
      applied.push(step)
      continue
    }

    privilege ??= await choosePrivilege(options.interactive)
    log('admin step via %s: %s', privilege, describeStep(step))
    if (privilege === 'direct') {
      options.progress(describeStep(step))
      undo.push(await undoFor(step))
      await (prepared.get(step)?.commit() ?? perform(step))
      if (step.kind === 'run' && step.afterRollback) rerun.push(step.afterRollback)
      applied.push(step)
      continue
    }

    const staged = step.kind === 'write' ? await stage(step, options.stagedDir) : undefined
    if (staged) stagedHere.push(staged)
    const argv = manualCommand(step, staged)
    if (privilege === 'manual') {
      manual.push(['sudo', ...argv])
      continue
    }

    options.progress(`sudo ${argv.join(' ')}  (${step.why})`)
    const sudo = privilege === 'sudo-n' ? ['sudo', '-n'] : ['sudo']
    const fix = step.kind === 'run' ? step.fix : undefined
    await run([...sudo, 'env', `PATH=${ADMIN_PATH}`, ...argv], {fix, interactive: privilege === 'sudo'})
    applied.push(step)
  }

  // Once no admin command is left to the user, what this run staged goes, and the directory if nothing else is
  // in it: DEV_CERTS_HOME may be a directory of the user's own, with a `staged` of their own.
  if (manual.length === 0) {
    for (const file of stagedHere) await rm(file, {force: true})
    await rmdir(options.stagedDir).catch(() => undefined)
  }

  return {applied, manual}
}

/** What puts a file back: its previous bytes and mode, or its absence. */
async function undoFor(step: Step): Promise<Undo> {
  if (step.kind !== 'write' && step.kind !== 'remove') return async () => undefined
  const previous = await readIfExists(step.path)
  const mode = previous ? (await stat(step.path)).mode & 0o7777 : 0o644
  return previous ? () => writeFileAtomic(step.path, previous, mode) : () => removeFile(step.path)
}

async function perform(step: Step): Promise<void> {
  switch (step.kind) {
    case 'remove':
      await removeFile(step.path)
      return
    case 'rmdir':
      await rmdir(step.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT' && error.code !== 'ENOTEMPTY') throw error
      })
      return
    case 'run':
      // A step with its own env gets exactly that env (a tool's CLI run without our override variables).
      await run(step.argv, {
        env: step.admin ? {PATH: ADMIN_PATH} : step.env,
        extendEnv: step.admin || !step.env,
        fix: step.fix,
        input: step.input,
      })
      return
    case 'write':
      await writeFileAtomic(step.path, step.content, step.mode)
  }
}

async function stage(step: Step & {kind: 'write'}, dir: string): Promise<string> {
  await mkdir(dir, {recursive: true})
  const path = join(dir, basename(step.path))
  await writeFileAtomic(path, step.content, 0o644)
  return path
}

async function choosePrivilege(interactive: boolean): Promise<Privilege> {
  if (isRoot()) return 'direct'
  const probe = await exec(['sudo', '-n', 'true'], {timeoutMs: 10_000})
  if (!probe.failed) return 'sudo-n'
  return interactive ? 'sudo' : 'manual'
}

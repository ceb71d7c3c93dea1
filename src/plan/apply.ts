import {mkdir, rm, rmdir, stat} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

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
  const undo: Array<() => Promise<unknown>> = []
  const touched = steps.flatMap((step) =>
    step.kind === 'write' || step.kind === 'remove' ? [step.path] : [],
  )
  const dirs = new Set(await Promise.all(touched.map(async (path) => dirname(await resolveLink(path)))))
  for (const dir of dirs) await removeDeadTemps(dir)
  const prepared = await prepareWrites(steps)
  try {
    return await applySteps(steps, options, undo, prepared)
  } catch (error) {
    const lost: string[] = []
    for (const restore of undo.reverse()) {
      await restore().catch((failure: unknown) => {
        log('rollback failed: %s', failure)
        lost.push(errorMessage(failure))
      })
    }

    if (undo.length > 0) log('rolled back %d change(s)', undo.length)
    // A file that could not be put back is the one thing the user must hear of, with the error that led here.
    if (lost.length > 0 && error instanceof Error) {
      error.message += `\nPutting back what this run changed failed too:\n${lost.map((line) => `  ${line}`).join('\n')}`
    }

    throw error
  } finally {
    // Files of steps that never ran (a failure before them, an admin step left to the user); no-op once committed.
    await Promise.all([...prepared.values()].map((file) => file.discard()))
  }
}

/**
 * Our own files are written and synced together before the first step, then each is renamed into place when its
 * step comes: the fsyncs overlap (a setup's seven files in about a third of the time), and a full disk stops the
 * run before anything has changed.
 */
async function prepareWrites(steps: Step[]): Promise<Map<Step, StagedFile>> {
  const writes = steps.filter((step): step is Step & {kind: 'write'} => !step.admin && step.kind === 'write')
  const results = await Promise.allSettled(
    writes.map((step) => stageFile(step.path, step.content, step.mode)),
  )
  const prepared = new Map<Step, StagedFile>()
  for (const [i, result] of results.entries())
    if (result.status === 'fulfilled') prepared.set(writes[i], result.value)
  const failed = results.find((result) => result.status === 'rejected')
  if (!failed) return prepared
  await Promise.all([...prepared.values()].map((file) => file.discard()))
  throw failed.reason
}

async function applySteps(
  steps: Step[],
  options: ApplyOptions,
  undo: Array<() => Promise<unknown>>,
  prepared: Map<Step, StagedFile>,
) {
  const applied: Step[] = []
  const manual: string[][] = []
  let privilege: Privilege | undefined
  for (const step of steps) {
    if (step.afterAdmin && manual.length > 0) continue
    if (!step.admin) {
      options.progress(describeStep(step))
      undo.push(await undoFor(step))
      await (prepared.get(step)?.commit() ?? perform(step))
      applied.push(step)
      continue
    }

    privilege ??= await choosePrivilege(options.interactive)
    log('admin step via %s: %s', privilege, describeStep(step))
    if (privilege === 'direct') {
      options.progress(describeStep(step))
      undo.push(await undoFor(step))
      await perform(step)
      applied.push(step)
      continue
    }

    const staged = step.kind === 'write' ? await stage(step, options.stagedDir) : undefined
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

  if (manual.length === 0) await rm(options.stagedDir, {force: true, recursive: true})
  return {applied, manual}
}

/** What puts a file back: its previous bytes and mode, or its absence. */
async function undoFor(step: Step): Promise<() => Promise<unknown>> {
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

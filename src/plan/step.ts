/**
 * One change to this machine. A plan is a list of steps computed without side effects; an already-satisfied
 * step is not in it, which is what makes a second run a no-op.
 */
export type Step = StepBody & {
  admin: boolean
  /** Run only when every admin step before it ran (e.g. forgetting the state record on uninstall). */
  afterAdmin?: boolean
  why: string
}

type StepBody =
  | {content: Buffer | string; kind: 'write'; mode: number; path: string}
  | {kind: 'remove'; path: string}
  | {kind: 'rmdir'; path: string}
  | {
      /**
       * What to run once a failed run has put its files back, when this command ran before the failure: a
       * store's refresh again, so the store forgets the anchor that was just taken out.
       */
      afterRollback?: string[]
      argv: string[]
      /** The whole env of the command, when it must not inherit ours (a tool's CLI, see configure.ts). */
      env?: Record<string, string>
      /** The likely fix, shown with the command's output when it fails. */
      fix?: string
      /** Fed to the command's stdin (PEM for certutil -A). */
      input?: string
      kind: 'run'
    }

export interface Plan {
  notes: string[]
  steps: Step[]
  warnings: string[]
}

/** The command a user runs by hand for an admin step, given where its content was staged. */
export function manualCommand(step: Step, staged?: string): string[] {
  switch (step.kind) {
    case 'remove':
      return ['rm', '-f', step.path]
    case 'rmdir':
      return ['rmdir', '--ignore-fail-on-non-empty', step.path]
    case 'run':
      return step.argv
    case 'write':
      return ['install', '-D', '-m', step.mode.toString(8).padStart(4, '0'), staged ?? '<content>', step.path]
  }
}

/** One line per step, for --dry-run and for the progress lines on stderr. */
export function describeStep(step: Step): string {
  const who = step.admin ? ' [admin]' : ''
  switch (step.kind) {
    case 'remove':
      return `remove${who} ${step.path}  (${step.why})`
    case 'rmdir':
      return `rmdir${who} ${step.path}  (${step.why})`
    case 'run':
      return `run${who} ${JSON.stringify(step.argv)}${stdin(step.input)}  (${step.why})`
    case 'write':
      return `write${who} ${step.path}  (${Buffer.byteLength(step.content)} bytes, mode ${step.mode.toString(8)}; ${step.why})`
  }
}

function stdin(input: string | undefined): string {
  return input === undefined ? '' : ` <stdin ${Buffer.byteLength(input)} bytes`
}

/** The plan as --json shows it: stable keys, content summarised by size. */
export function stepJson(step: Step): Record<string, unknown> {
  const {kind, admin, why} = step
  switch (step.kind) {
    case 'write':
      return {
        admin,
        bytes: Buffer.byteLength(step.content),
        kind,
        mode: step.mode.toString(8),
        path: step.path,
        why,
      }
    case 'run':
      return {admin, argv: step.argv, kind, why}
    default:
      return {admin, kind, path: step.path, why}
  }
}

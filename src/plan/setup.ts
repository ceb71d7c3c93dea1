import {readFile, realpath} from 'node:fs/promises'
import {dirname, isAbsolute, join, relative} from 'node:path'

import {renderBundle, renderTeamCa, teamCertificates} from '../bundle/bundle.js'
import {OS_BUNDLE_PATHS, readOsRoots} from '../bundle/os-roots.js'
import {type TeamConfig} from '../config/team-config.js'
import {wantedVariables} from '../env/clients.js'
import {damagedMarkerLine, damagedWarning, findBlock, upsertBlock} from '../env/managed-block.js'
import {loginShell} from '../env/profile.js'
import {dotenvLines, envrcLine, profileLineFor, renderSnippet} from '../env/render.js'
import {fromLatin1, readShared, toLatin1} from '../env/shared-file.js'
import {type ToolId} from '../env/tool-configs.js'
import {acquireAuthority, type Authority} from '../sources/acquire.js'
import {DevCertsError} from '../system/errors.js'
import {resolveLink} from '../system/files.js'
import {type HomePaths} from '../system/paths.js'
import {planConfigure} from './configure.js'
import {refuseForeign} from './generated.js'
import {nearestExisting} from './preflight.js'
import {otherProjects, recordOf, unionInOrder} from './projects.js'
import {mergeState, readState, renderState, type State} from './state.js'
import {type Plan, type Step} from './step.js'
import {planStores, type StoreChoice} from './stores.js'

export interface SetupInput {
  config: TeamConfig
  /** Tools whose own config gets pointed at our files (--configure). */
  configure?: ToolId[]
  /** Opt-in: a line in the project's .envrc that sources env.sh, for direnv. */
  direnv?: boolean
  env?: NodeJS.ProcessEnv
  paths: HomePaths
  /** Shell profile to wire our snippet into (the one for $SHELL), or undefined to leave profiles alone. */
  profile?: string
  /** The store flags (--store, --system-wide, --browsers, --java) and config `system`. */
  stores?: Omit<StoreChoice, 'system'>
  /** false with --no-system: leave the OS trust store alone (--browsers and --java still apply). */
  system: boolean
}

export interface SetupPlan extends Plan {
  authorities: Authority[]
  /**
   * Everything this plan depends on, for the no-op stamp: files read or written, variables read. Undefined
   * when a store keeps its state outside files (keychain, NSS, keytool): then no stamp is recorded.
   */
  inputs?: {env: string[]; files: string[]}
  profile?: string
  store?: string
  system: boolean
}

/** Acquires every authority: reads or fetches, pin-checks and validates. Writes nothing. */
export async function acquireAll(config: TeamConfig, env?: NodeJS.ProcessEnv): Promise<Authority[]> {
  const authorities: Authority[] = []
  for (const authority of config.authorities) authorities.push(await acquireAuthority(authority, env))
  return authorities
}

/** Computes, without side effects, the steps that bring this machine to the wanted state. */
export async function planSetup(input: SetupInput, authorities: Authority[]): Promise<SetupPlan> {
  const {config, paths} = input
  const warnings = authorities.flatMap((a) => [
    ...a.warnings.map((w) => `${a.name}: ${w}`),
    ...a.privateKeyIn.map(
      (file) =>
        `${a.name}: ${file} contains a PRIVATE KEY. It was not copied anywhere, but a CA key in a ` +
        'repository is a leak: remove it and rotate the CA.',
    ),
  ])
  const notes: string[] = []
  const steps: Step[] = []
  const variables = wantedVariables(paths)
  // First the check that refuses the run, alone: a read that never ends (a FIFO) must not hide its error.
  await checkInsideProject(config.env.file, config.dir)
  // Then planning only reads, so the reads run at once; a failure is still the one the first failing read gives.
  const [shared, state, roots] = await inOrder([
    planShared(input, variables),
    readState(paths.state),
    readOsRoots(input.env),
  ])
  for (const file of shared) warnings.push(...file.warnings)

  const others = await otherProjects(state, config.path)
  // The home's files and the store hold every project's CAs: setting up this one must not drop another's.
  const everyone = unionInOrder(others.byConfig, config.path, authorities)
  const [{stores, ...storePlan}, configure] = await inOrder([
    planStores(
      teamCertificates(everyone).filter(({cert}) => cert.selfSigned),
      {...input.stores, system: input.system},
      {env: input.env ?? process.env, home: paths.home, platform: process.platform},
    ),
    planConfigure({
      env: input.env ?? process.env,
      hosts: config.authorities.flatMap((authority) => authority.hosts),
      paths,
      recorded: state.configured,
      tools: input.configure ?? [],
    }),
  ])
  const storeSteps = storePlan.steps
  notes.push(...storePlan.notes)
  warnings.push(...storePlan.warnings)
  notes.push(...configure.notes)
  const wantedState: Partial<State> = {
    projects: {...others.live, [config.path]: recordOf(authorities)},
    blocks: shared.map((file) => file.path),
    configured: configure.records,
    created: shared.filter((file) => file.created).map((file) => file.path),
    stores,
  }
  // The record goes first, so an interrupted run can still be undone.
  const home: Array<{content: string; path: string; why: string}> = [
    {
      content: renderState(mergeState(state, wantedState)),
      path: paths.state,
      why: 'what setup changed, for uninstall',
    },
    {content: renderTeamCa(everyone), path: paths.teamCa, why: 'team CAs only (NODE_EXTRA_CA_CERTS)'},
    {content: renderBundle(roots, everyone), path: paths.bundle, why: 'public roots + team CAs'},
    {content: renderSnippet('sh', variables), path: paths.envSh, why: 'bash/zsh snippet'},
    {content: renderSnippet('fish', variables), path: paths.envFish, why: 'fish snippet'},
    {content: renderSnippet('pwsh', variables), path: paths.envPs1, why: 'PowerShell snippet'},
  ]
  const differs = await inOrder(home.map(async ({content, path}) => differsFrom(path, content)))
  for (const [i, file] of home.entries()) {
    if (differs[i]) steps.push({admin: false, kind: 'write', mode: 0o644, ...file})
  }

  for (const file of shared) if (file.step) steps.push(file.step)
  // After the bundle writes: some tools (gcloud) refuse a path that does not exist yet.
  steps.push(...configure.steps)
  steps.push(...storeSteps)
  const sources = config.authorities.flatMap((authority) => authority.sources)
  const inputs = {
    env: sources.flatMap((source) => (source.kind === 'env' ? [source.name] : [])),
    files: [
      config.path,
      ...sources.flatMap((source) => (source.kind === 'file' ? [source.path] : [])),
      ...[paths.state, paths.teamCa, paths.bundle, paths.envSh, paths.envFish, paths.envPs1],
      // A tool config the user edits since is a change the fast path must not answer for.
      ...configure.records.map((record) => record.file),
      ...shared.map((file) => file.path),
      ...(input.env?.DEV_CERTS_OS_BUNDLE ? [input.env.DEV_CERTS_OS_BUNDLE] : OS_BUNDLE_PATHS),
      ...(input.system ? [input.env?.DEV_CERTS_OS_RELEASE || '/etc/os-release'] : []),
      ...(storePlan.files ?? []),
    ],
  }
  return {
    authorities,
    inputs: storePlan.files ? inputs : undefined,
    notes,
    profile: input.profile,
    steps,
    store: stores[0],
    system: input.system,
    warnings,
  }
}

/** A file of ours in the home that does not hold `content` yet (and one not ours stops the run). */
async function differsFrom(path: string, content: string): Promise<boolean> {
  await refuseForeign(path)
  const current = await readFile(path).catch(() => undefined)
  return !current?.equals(Buffer.from(content))
}

/** The .env block, and the profile and .envrc lines when asked for, in that order. */
async function planShared(
  input: SetupInput,
  variables: ReturnType<typeof wantedVariables>,
): Promise<BlockPlan[]> {
  const {config, paths} = input
  const blocks = [planBlock(config.env.file, dotenvLines(variables), 'the .env block')]
  if (input.profile) {
    const line = profileLineFor(loginShell(input.env ?? process.env), paths)
    blocks.push(planBlock(input.profile, [line], 'shell profile line', '\n'))
  }

  if (input.direnv)
    blocks.push(planBlock(join(config.dir, '.envrc'), [envrcLine(paths.envSh)], 'direnv line', '\n'))
  return inOrder(blocks)
}

/**
 * Promise.all for reads started together, but a failure is the first in the list, not the first in time: what
 * the user is told stays the same from run to run.
 */
async function inOrder<T extends readonly unknown[]>(
  promises: readonly [...{[K in keyof T]: Promise<T[K]>}],
): Promise<{-readonly [K in keyof T]: T[K]}> {
  const settled = await Promise.allSettled(promises)
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed) throw failed.reason
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: T[K]
  }
}

/** A committed `.env` symlink must not lead the write out of the project (to /etc/sudoers, say). */
async function checkInsideProject(path: string, dir: string): Promise<void> {
  // A link that leads nowhere yet is written through too (the file is created where it points): check there.
  const target = await realpath(path).catch(async () => canonical(await resolveLink(path)))
  const inside = relative(await realpath(dir), target)
  if (inside && !inside.startsWith('..') && !isAbsolute(inside)) return
  throw new DevCertsError(
    'ENV_OUTSIDE',
    `${path} is a link to ${target}, outside the project; it was not written.`,
    {
      fix: 'Replace the link with a regular file, or point "env.file" at a file inside the project.',
    },
  )
}

/** `path` with its existing part resolved (links included), the part not created yet appended as it is. */
async function canonical(path: string): Promise<string> {
  const existing = await nearestExisting(dirname(path))
  return join(await realpath(existing), relative(existing, path))
}

interface BlockPlan {
  created: boolean
  path: string
  step?: Step
  warnings: string[]
}

async function planBlock(path: string, lines: string[], why: string, eol?: '\n'): Promise<BlockPlan> {
  const current = await readShared(path)
  const next = upsertBlock(
    current ?? '',
    lines.map((line) => toLatin1(line)),
    eol,
  )
  const warnings = shadowing(path, current ?? '', lines)
  const damaged = damagedMarkerLine(current ?? '')
  if (damaged) warnings.push(damagedWarning(path, damaged))
  const step: Step | undefined =
    next === current
      ? undefined
      : {admin: false, content: fromLatin1(next), kind: 'write', mode: 0o644, path, why}
  return {created: current === undefined, path, step, warnings}
}

/** The user's own lines for our variables, outside our block: kept as they are, but never silently. */
function shadowing(path: string, text: string, lines: string[]): string[] {
  const block = findBlock(text)
  const outside = block ? text.slice(0, block.start) + text.slice(block.end) : text
  const ours = lines.map((line) => /^(\w+)=/.exec(line)?.[1]).filter(Boolean)
  const warnings: string[] = []
  for (const [i, line] of outside.split('\n').entries()) {
    const name = /^\s*(?:export\s+)?(\w+)\s*=/.exec(line)?.[1]
    if (name && ours.includes(name)) {
      warnings.push(
        `${path}:${i + 1} sets ${name} itself; it was left as it is. Whichever line comes last wins, ` +
          'so check that it points at a bundle with public roots (`dev certs doctor` checks it).',
      )
    }
  }

  return warnings
}

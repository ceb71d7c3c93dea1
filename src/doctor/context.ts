import {readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {resolve} from 'node:path'

import {TEAM_CA_HEADER} from '../bundle/bundle.js'
import {readOsRoots, type RootSet} from '../bundle/os-roots.js'
import {type Certificate} from '../certs/certificate.js'
import {decodeCertificates} from '../certs/decode.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {loadTeamConfig} from '../config/find.js'
import {isNetworkSource, type SourceSpec, type TeamConfig} from '../config/team-config.js'
import {shellProfile} from '../env/profile.js'
import {readState, type State} from '../plan/state.js'
import {acquireAuthority, type Authority} from '../sources/acquire.js'
import {DevCertsError} from '../system/errors.js'
import {certsHome, type HomePaths} from '../system/paths.js'
import {type CaFile, readCaFile} from './ca-file.js'
import {type Handshake, handshake} from './handshake.js'

export interface DoctorOptions {
  configFile?: string
  cwd: string
  dataDir: string
  env: NodeJS.ProcessEnv
  /** Skip every network access: network sources and live handshakes. */
  offline: boolean
  /** Python interpreters to try, in order, for each Python client (the first that has the library wins). */
  pythons?: string[]
  curl?: string
  /** Each check gets this long before it is reported as timed out. */
  timeoutMs?: number
}

/** What one source of an authority gave when the doctor tried it. */
export interface SourceOutcome {
  authority: string
  error?: DevCertsError
  result?: Authority
  skipped?: string
  source: SourceSpec
}

/** A file the user owns that may set variables: the project's .env or the shell profile. */
export interface UserFile {
  path: string
  /** undefined when the file does not exist. */
  text?: string
}

export interface TeamCert {
  authority: string
  cert: Certificate
}

/** The team CAs the machine should trust, and what setup installed (team-ca.pem), by fingerprint. */
export interface Team {
  /** Anchors then intermediates, per authority: from a source, else the pinned ones installed. */
  expected: TeamCert[]
  fingerprints: Set<Fingerprint>
  installed: Array<{authority?: string; cert: Certificate}>
}

/**
 * Everything checks share, each read at most once and only when a check asks for it, so that checks can run
 * in parallel without repeating I/O (several variables point at one bundle; several checks need the team).
 */
export interface DoctorContext {
  caFile(path: string): Promise<CaFile>
  config(): Promise<TeamConfig>
  /** The project's .env (from the config; ./.env when there is no valid config). */
  dotenv(): Promise<UserFile>
  handshake(url: URL): Promise<Handshake>
  home: string
  options: DoctorOptions
  osRoots(): Promise<RootSet>
  paths: HomePaths
  /** ~/.bashrc, or ~/.zshrc for zsh users: the profile setup --shell-profile writes to. */
  profile(): Promise<UserFile>
  sources(): Promise<SourceOutcome[]>
  state(): Promise<State>
  team(): Promise<Team>
}

const PROVENANCE = /^# ([A-Za-z0-9._-]+): .* SHA256:([0-9A-F:]{95})$/gm

export function createContext(options: DoctorOptions): DoctorContext {
  const paths = certsHome(options.dataDir, options.env)
  const files = new Map<string, Promise<CaFile>>()
  const handshakes = new Map<string, Promise<Handshake>>()
  const config = once(() => loadTeamConfig({configFile: options.configFile, cwd: options.cwd}))
  const sources = once(async () => trySources(await config(), options))
  const context: DoctorContext = {
    caFile: (path) => memo(files, path, () => readCaFile(path)),
    config,
    dotenv: once(async () => {
      const file = await config().then(
        (c) => c.env.file,
        () => resolve(options.cwd, '.env'),
      )
      return readUserFile(file)
    }),
    handshake: (url) =>
      memo(handshakes, url.href, async () => {
        const bundle = await readFile(paths.bundle, 'utf8').catch(() => undefined)
        const timeoutMs = options.timeoutMs ?? 10_000
        // Adding anchors never breaks a verified chain, so when the bundle's own team part verifies the
        // gateway, the whole bundle does, and OpenSSL is spared parsing ~150 public roots (the costliest
        // step of this process). A refusal of the chain is decided by the whole bundle; a host that does not
        // answer is not asked twice.
        const team = bundle?.split(`${TEAM_CA_HEADER}\n`)[1]
        const quick = team ? await handshake(url, team, timeoutMs) : undefined
        return quick && (quick.ok || quick.chain.length === 0) ? quick : handshake(url, bundle, timeoutMs)
      }),
    home: options.env.HOME || homedir(),
    options,
    osRoots: once(() => readOsRoots(options.env)),
    paths,
    profile: once(() => readUserFile(shellProfile(options.env))),
    sources,
    state: once(() => readState(paths.state)),
    team: once(async () => expectedTeam(await config(), await sources(), await readInstalled(paths.teamCa))),
  }
  return context
}

/** Each source of each authority on its own, in parallel, so the report can say which one fails and why. */
async function trySources(config: TeamConfig, options: DoctorOptions): Promise<SourceOutcome[]> {
  const jobs = config.authorities.flatMap((authority) =>
    authority.sources.map(async (source): Promise<SourceOutcome> => {
      const base = {authority: authority.name, source}
      if (options.offline && isNetworkSource(source)) return {...base, skipped: 'offline'}
      try {
        return {...base, result: await acquireAuthority({...authority, sources: [source]}, options.env)}
      } catch (error) {
        if (error instanceof DevCertsError) return {...base, error}
        throw error
      }
    }),
  )
  return Promise.all(jobs)
}

async function readUserFile(path: string): Promise<UserFile> {
  return {path, text: await readFile(path, 'utf8').catch(() => undefined)}
}

async function readInstalled(path: string): Promise<Team['installed']> {
  const bytes = await readFile(path).catch(() => undefined)
  if (!bytes) return []
  try {
    const owners = new Map<string, string>()
    for (const [, name, print] of bytes.toString('latin1').matchAll(PROVENANCE)) owners.set(print, name)
    const {certificates} = decodeCertificates(bytes, path)
    return certificates.map((cert) => ({authority: owners.get(cert.fingerprint), cert}))
  } catch {
    // A corrupt team-ca.pem is the Files check's finding; here it just gives no installed certificates.
    return []
  }
}

function expectedTeam(config: TeamConfig, outcomes: SourceOutcome[], installed: Team['installed']): Team {
  const expected: TeamCert[] = []
  for (const authority of config.authorities) {
    const acquired = outcomes.find((o) => o.authority === authority.name && o.result)?.result
    if (acquired) {
      for (const cert of [...acquired.anchors, ...acquired.intermediates]) {
        expected.push({authority: authority.name, cert})
      }

      continue
    }

    // No source answered (offline, or the gateway changed): the pinned anchors setup installed still count.
    const pins = new Set<string>(authority.fingerprints)
    for (const {authority: owner, cert} of installed) {
      const pinnedAnchor = cert.selfSigned && pins.has(cert.fingerprint)
      if (pinnedAnchor || (owner === authority.name && !cert.selfSigned)) {
        expected.push({authority: authority.name, cert})
      }
    }
  }

  return {expected, fingerprints: new Set(expected.map(({cert}) => cert.fingerprint)), installed}
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined
  return () => (value ??= make())
}

function memo<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let value = cache.get(key)
  if (!value) {
    value = make()
    cache.set(key, value)
  }

  return value
}

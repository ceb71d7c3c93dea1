import {availableParallelism} from 'node:os'

import {type TeamConfig} from '../../config/team-config.js'
import {CLIENT_VARIABLES, wantedVariables} from '../../env/clients.js'
import {diagnose, explain} from '../cause.js'
import {type Check} from '../check.js'
import {type DoctorContext} from '../context.js'
import {type Handshake, hostOf} from '../handshake.js'
import {type Finding, ok, problem, SETUP_FIX, skipped} from '../finding.js'
import {SWITCHES} from '../overrides-env.js'
import {
  curlProbe,
  nodeProbe,
  type Probe,
  type ProbeResult,
  PYTHON_CANDIDATES,
  pythonProbe,
  runProbe,
} from '../probes.js'

const IN_PROCESS = 'node in-process'

/** Variables that would change what a probe tests: verification switches, and CA settings other than ours. */
const NOT_PASSED = new Set([
  ...SWITCHES.map((s) => s.name),
  ...CLIENT_VARIABLES.map((row) => row.variable),
  'SSL_CERT_DIR',
  'NODE_OPTIONS',
])

const SLOTS = Math.max(2, availableParallelism())
const CLIENTS_PER_HOST = 4

/**
 * How long the whole check may take before it is cut short: every client of every host, queued for a slot,
 * each up to its own timeout, plus one for the in-process handshake. A host that does not answer then gets
 * its own findings, and every other host its results.
 */
export function liveBudgetMs(hosts: number, timeoutMs: number): number {
  return timeoutMs * (2 + Math.ceil((CLIENTS_PER_HOST * hosts) / SLOTS))
}

/** Every host in .devcerts.json, each once. */
export function teamHosts(config: TeamConfig): URL[] {
  return [...new Map(config.authorities.flatMap((a) => a.hosts).map((url) => [url.href, url])).values()]
}

/** For each team host, a real verified handshake per client, with the env dev-certs provides. */
export const liveCheck: Check = {
  id: 'live',
  async run(context) {
    if (context.options.offline) return [skipped('live', 'live handshakes not tried (--offline)')]
    const urls = teamHosts(await context.config())
    if (urls.length === 0) return [skipped('live', 'no "hosts" in .devcerts.json: nothing to try')]
    const limit = slots(SLOTS)
    const perHost = await Promise.all(urls.map((url) => hostFindings(context, url, limit)))
    return perHost.flat()
  },
  title: 'Live',
}

async function hostFindings(context: DoctorContext, url: URL, limit: Slots): Promise<Finding[]> {
  const env = probeEnv(context)
  const timeoutMs = context.options.timeoutMs ?? 10_000
  const run = (probe: Probe, first = false) => limit(() => runProbe(probe, url.href, env, timeoutMs), first)
  const python = (library: 'httpx' | 'requests') =>
    firstInstalled(
      pythons(context).map((interpreter) => pythonProbe(library, interpreter)),
      run,
    )
  // Longest first: on a small machine the slots go to the Python interpreters (httpx's import alone is most of
  // the whole check), and the quick clients fill in beside them.
  const httpx = python('httpx')
  const requests = python('requests')
  const node = run(nodeProbe('https'))
  const curl = run(curlProbe(context.options.curl))
  const [shake, team, bundle, ...results] = await Promise.all([
    context.handshake(url),
    context.team(),
    context.caFile(context.paths.bundle),
    node,
    requests,
    httpx,
    curl,
  ])
  const diagnosis = diagnose(
    url,
    shake.chain,
    team.expected.map(({cert}) => cert),
  )
  const host = hostOf(url)
  const inProcess: Finding =
    bundle.exists && 'fingerprints' in bundle
      ? finding(url, host, handshakeResult(shake), diagnosis)
      : problem(
          'fail',
          `live:${url.href}:${IN_PROCESS}`,
          `${url.host} ${IN_PROCESS}: no usable bundle at ${bundle.path}`,
          SETUP_FIX,
          {repair: {kind: 'setup'}},
        )
  return [inProcess, ...results.map((result) => finding(url, host, result, diagnosis))]
}

function handshakeResult(shake: Handshake): ProbeResult {
  const message = shake.ok ? 'verified with the bundle' : (shake.error?.message ?? 'failed')
  return {client: IN_PROCESS, code: shake.error?.code, installed: true, message, ok: shake.ok}
}

function finding(
  url: URL,
  host: string,
  result: ProbeResult,
  diagnosis: ReturnType<typeof diagnose>,
): Finding {
  const id = `live:${url.href}:${result.client}`
  if (!result.installed) return skipped(id, `${url.host} ${result.client}: not installed`)
  if (result.ok) return ok(id, `${url.host} ${result.client}: ${result.message}`)
  const explained = explain(result.code, result.message, diagnosis, host)
  return {
    ...problem('fail', id, `${url.host} ${result.client}: ${explained.words}`, explained.fix, {
      evidence: [
        `${result.code ? `${result.code}: ` : ''}${result.message}`,
        ...(explained.detail ? [explained.detail] : []),
      ],
    }),
    cause: explained.cause,
    code: result.code,
  }
}

/** The user's env without anything that changes verification, plus exactly the variables setup writes. */
function probeEnv(context: DoctorContext): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(context.options.env)) if (!NOT_PASSED.has(key)) env[key] = value
  for (const [key, value] of wantedVariables(context.paths)) env[key] = value
  return env
}

function pythons(context: DoctorContext): string[] {
  return context.options.pythons ?? [...PYTHON_CANDIDATES]
}

/**
 * The python3 on PATH may be a venv without the library while the system one has it. A retry goes to the
 * head of the queue: it is the longest job left, and the quick clients queued meanwhile can wait beside it.
 */
async function firstInstalled(probes: Probe[], run: (probe: Probe, first: boolean) => Promise<ProbeResult>) {
  let result: ProbeResult | undefined
  for (const [i, probe] of probes.entries()) {
    result = await run(probe, i > 0)
    if (result.installed) return result
  }

  return result ?? {client: 'python', installed: false, message: 'not installed', ok: false}
}

/** Runs `job` in a free slot, or when one frees; `first` puts it ahead of every job already waiting. */
type Slots = <T>(job: () => Promise<T>, first?: boolean) => Promise<T>

/**
 * At most `size` clients at once: with several hosts, starting every interpreter together only makes each
 * one slower, until the slowest hits its timeout on a busy machine.
 */
function slots(size: number): Slots {
  let running = 0
  const waiting: Array<() => void> = []
  return async (job, first = false) => {
    // A finished job hands its slot to the next waiter, so the count never goes over `size`.
    if (running < size) running++
    else await new Promise<void>((resolve) => (first ? waiting.unshift(resolve) : waiting.push(resolve)))
    try {
      return await job()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
}

import {type AnchorChoice, chooseAnchors} from '../certs/anchor.js'
import {showFingerprint} from '../certs/fingerprint.js'
import {IntakeError} from '../certs/intake-error.js'
import {type AuthorityConfig} from '../config/team-config.js'
import {DevCertsError} from '../system/errors.js'
import {logger} from '../system/log.js'
import {readSource} from './read.js'
import {type SourceOptions} from './source.js'

const log = logger('acquire')

/** A team CA we are ready to trust: pinned (or local), validated, with the intermediates that came with it. */
export interface Authority extends AnchorChoice {
  name: string
  /** The source that gave it, e.g. "tls://127.0.0.1:8443". */
  origin: string
  /** Files that held a private key; never copied, always warned about. */
  privateKeyIn: string[]
}

/** Tries the authority's sources in order; the first that yields a pinned anchor wins. */
export async function acquireAuthority(
  config: AuthorityConfig,
  env: NodeJS.ProcessEnv = process.env,
  options: SourceOptions = {},
): Promise<Authority> {
  const attempts: string[] = []
  const hosts = teamHosts(config)
  for (const source of config.sources) {
    let trail: string[] = []
    try {
      const reading = await readSource(source, config.fingerprints, {...options, env})
      trail = reading.trail
      const choice = chooseAnchors(reading.certificates, config.fingerprints, reading.origin, {hosts})
      log('%s: %s gave %d anchor(s)', config.name, reading.origin, choice.anchors.length)
      const privateKeyIn = reading.privateKey ? [reading.origin] : []
      return {...choice, name: config.name, origin: reading.origin, privateKeyIn}
    } catch (error) {
      if (!(error instanceof IntakeError)) throw error
      const message = [error.message, ...trail.map((line) => `  (${line})`)].join('\n')
      log('%s: %s failed: %s', config.name, source.text, message)
      if (config.sources.length === 1) throw trail.length > 0 ? withMessage(error, message) : error
      attempts.push(`- ${source.text}: ${message}`)
    }
  }

  const pins = config.fingerprints.map((pin) => showFingerprint(pin)).join(', ')
  throw new DevCertsError(
    'NO_ANCHOR',
    `Authority "${config.name}": no source gave a trusted CA${pins ? ` (pinned: ${pins})` : ''}.\n${attempts.join('\n')}`,
    {fix: 'Fix the first source that should work (see each line above).'},
  )
}

/** Host names the CA must be able to vouch for: the configured hosts and the gateways named by tls:// sources. */
export function teamHosts(config: AuthorityConfig): string[] {
  const names = [
    ...config.hosts.map((url) => url.hostname.replace(/^\[(.*)\]$/, '$1')),
    ...config.sources.flatMap((source) => (source.kind === 'tls' ? [source.host] : [])),
  ]
  return [...new Set(names)]
}

function withMessage(error: IntakeError, message: string): IntakeError {
  return new IntakeError(error.code.replace(/^INTAKE_/, ''), message, {cause: error, fix: error.fix})
}

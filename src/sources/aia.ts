import {isIP} from 'node:net'

import {type Certificate} from '../certs/certificate.js'
import {danglingTops} from '../certs/chain.js'
import {decodeCertificates} from '../certs/decode.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {IntakeError} from '../certs/intake-error.js'
import {logger} from '../system/log.js'
import {type SourceOptions} from './source.js'

const log = logger('source:aia')
const MAX_HOPS = 3

/**
 * Completes a chain that stops short of its root by following the caIssuers URLs (AIA) of its topmost
 * certificates, as browsers do. What it fetches is trusted no more than the rest: the pin rule still decides.
 * Returns the certificates found and a line per URL tried, for messages.
 */
export async function followCaIssuers(
  certs: Certificate[],
  pins: Fingerprint[],
  options: SourceOptions,
): Promise<{certificates: Certificate[]; trail: string[]}> {
  const all = [...certs]
  const trail: string[] = []
  const tried = new Set<string>()
  for (let hop = 0; hop < MAX_HOPS && !hasAnchor(all, pins); hop++) {
    const urls = danglingTops(all)
      .flatMap((cert) => cert.caIssuers.map((url) => ({cert, url})))
      .filter(({url}) => /^https?:\/\//i.test(url) && !tried.has(url))
    if (urls.length === 0) break
    for (const {cert, url} of urls) {
      tried.add(url)
      try {
        const target = parseUrl(url)
        const refused = refusedTarget(target)
        if (refused) throw new IntakeError('SOURCE_URL', `${url}: not followed, ${refused}.`)
        // The HTTP code loads only when an intermediate is missing, not on every acquisition.
        const {readUrlSource} = await import('./url.js')
        const fetched = await readUrlSource(target, options)
        const found = decodeCertificates(
          fetched.bytes,
          `${url} (caIssuers of "${cert.subject}")`,
        ).certificates
        const fresh = found.filter((c) => !all.some((known) => known.fingerprint === c.fingerprint))
        all.push(...fresh)
        trail.push(`caIssuers ${url} gave ${found.map((c) => `"${c.subject}"`).join(', ')}`)
      } catch (error) {
        if (!(error instanceof IntakeError)) throw error
        trail.push(`caIssuers ${url} failed: ${error.message}`)
      }
    }
  }

  log('%s', trail.join('; ') || 'nothing to follow')
  return {certificates: all, trail}
}

/** A pinned self-signed certificate, or without pins any self-signed CA: nothing more to fetch. */
export function hasAnchor(certs: Certificate[], pins: Fingerprint[]): boolean {
  return certs.some(
    (cert) => cert.selfSigned && (pins.length > 0 ? pins.includes(cert.fingerprint) : cert.isCa),
  )
}

const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'instance-data'])

/**
 * A caIssuers URL comes from a certificate nobody has vouched for yet, so it may not steer a request to a
 * link-local or cloud metadata address. Returns why a target is refused, or undefined.
 */
export function refusedTarget(url: URL): string | undefined {
  const host = url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/\.$/, '')
  if (METADATA_NAMES.has(host)) return 'a cloud metadata host'
  if (isIP(host) === 4 && host.startsWith('169.254.')) return 'a link-local address'
  if (isIP(host) === 6 && (/^fe[89ab][0-9a-f]:/.test(host) || host === 'fd00:ec2::254')) {
    return 'a link-local address'
  }

  return undefined
}

function parseUrl(text: string): URL {
  try {
    return new URL(text)
  } catch {
    throw new IntakeError('SOURCE_URL', `"${text}" is not a valid URL.`)
  }
}

import {type Certificate} from '../certs/certificate.js'
import {decodeCertificates} from '../certs/decode.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {type SourceSpec} from '../config/team-config.js'
import {followCaIssuers, hasAnchor} from './aia.js'
import {type Fetched, type SourceOptions} from './source.js'

/** Everything one source gave, before any trust decision. */
export interface Reading {
  certificates: Certificate[]
  origin: string
  /** The input held a private key (never copied; callers warn, naming `origin`). */
  privateKey: boolean
  /** What happened on the way (AIA URLs followed), for messages. */
  trail: string[]
}

/**
 * Reads one source into certificates. A TLS chain without the root it needs (the pinned one, or any root
 * when there is no pin) is completed from the caIssuers URLs of its certificates.
 */
export async function readSource(
  source: SourceSpec,
  pins: Fingerprint[],
  options: SourceOptions,
): Promise<Reading> {
  const fetched = await fetchSource(source, options)
  const decoded = fetched.chain
    ? {
        certificates: fetched.chain.flatMap((der) => decodeCertificates(der, fetched.origin).certificates),
        privateKey: false,
      }
    : decodeCertificates(fetched.bytes, fetched.origin)
  const reading = {...decoded, origin: fetched.origin, trail: []}
  if (source.kind !== 'tls' || hasAnchor(decoded.certificates, pins)) return reading
  return {...reading, ...(await followCaIssuers(decoded.certificates, pins, options))}
}

async function fetchSource(source: SourceSpec, options: SourceOptions): Promise<Fetched> {
  // Network code loads only when a network source is used, which keeps the no-op path light.
  switch (source.kind) {
    case 'env':
      return (await import('./env.js')).readEnvSource(source.name, options.env)
    case 'file':
      return (await import('./file.js')).readFileSource(source.path)
    case 'tls':
      return (await import('./tls.js')).readTlsSource(source.host, source.port, options)
    case 'url':
      return (await import('./url.js')).readUrlSource(source.url, options)
  }
}

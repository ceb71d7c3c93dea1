import {isIP} from 'node:net'

import {signedBy} from '../certs/chain.js'
import {type Certificate} from '../certs/certificate.js'
import {type Fingerprint, showFingerprint} from '../certs/fingerprint.js'
import {type Cause} from './finding.js'
import {hostOf} from './handshake.js'

/** What the presented chain says about a host, independent of any one client's wording. */
export interface Diagnosis {
  cause?: Exclude<Cause, 'unknown'>
  /** What in the chain shows it: the evidence line. */
  detail?: string
}

export interface Explained {
  cause: Cause
  /** The evidence from the chain, when the chain shows this cause. */
  detail?: string
  fix: string
  /** The cause in plain words, one line. */
  words: string
}

/**
 * Looks at what the gateway presented, in the order clients verify: the chain to a team CA first (so a
 * changed certificate is not reported as merely expired), then validity, then the host name.
 */
export function diagnose(url: URL, chain: Certificate[], team: Certificate[], now = new Date()): Diagnosis {
  const [leaf] = chain
  if (!leaf) return {}
  const trusted = new Set<Fingerprint>(team.map((cert) => cert.fingerprint))
  const known = [...chain.slice(1), ...team]
  const issuer = leaf.selfSigned ? leaf : known.find((cert) => signedBy(leaf, cert))
  if (!issuer) {
    return {
      cause: 'intermediate-missing',
      // Only the leaf came and its issuer is not a team CA we hold: usually a forgotten intermediate.
      detail:
        `it sends only "${leaf.subject}", issued by "${leaf.issuer}", which is in neither its chain ` +
        'nor the team CAs (or the certificate now comes from another CA)',
    }
  }

  if (!chainReaches(leaf, known, trusted)) {
    return {
      cause: 'pin-mismatch',
      detail:
        `it presents "${leaf.subject}" ${showFingerprint(leaf.fingerprint)}, ` + `issued by "${leaf.issuer}"`,
    }
  }

  if (leaf.notAfter < now)
    return {cause: 'expired', detail: `the gateway's certificate expired on ${day(leaf)}`}
  const host = hostOf(url)
  const matches = isIP(host) ? leaf.x509.checkIP(host) : leaf.x509.checkHost(host)
  if (!matches) {
    return {
      cause: 'hostname-mismatch',
      detail: `"${leaf.subject}" names ${leaf.subjectAltNames.join(', ') || 'no subjectAltName'}`,
    }
  }

  return {}
}

/** Maps one client's error to a cause: its own words for expiry and names, the chain for the rest. */
export function explain(
  code: string | undefined,
  message: string,
  diagnosis: Diagnosis,
  host: string,
): Explained {
  const text = `${code ?? ''} ${message}`
  let cause: Cause = diagnosis.cause ?? 'unknown'
  if (/expired/i.test(text) && cause !== 'pin-mismatch') cause = 'expired'
  else if (
    /ALTNAME|hostname mismatch|IP address mismatch|does not match target host|subject name/i.test(text)
  ) {
    cause = 'hostname-mismatch'
  }

  const detail = cause === diagnosis.cause ? diagnosis.detail : undefined
  return {cause, detail, fix: FIXES[cause](host), words: PLAIN[cause](host)}
}

const PLAIN: Record<Cause, (host: string) => string> = {
  expired: () => "the gateway's certificate has expired",
  'hostname-mismatch': (host) => `the certificate does not name ${host}`,
  'intermediate-missing': () => 'the gateway does not send its intermediate certificate',
  'pin-mismatch': () =>
    'the gateway now presents another certificate (pin mismatch): it does not chain to a team CA',
  unknown: () => 'the client could not verify the gateway',
}

const FIXES: Record<Cause, (host: string) => string> = {
  expired: () =>
    'Renew the gateway certificate (a server-side fix; no client setting can accept an expired certificate).',
  'hostname-mismatch': (host) =>
    'Put a host name the certificate names in "hosts" of .devcerts.json, or reissue the gateway ' +
    `certificate with ${host} in its subjectAltName.`,
  'intermediate-missing': () =>
    'Configure the gateway to send its full chain (leaf, then intermediate). Until then, add the ' +
    "intermediate to the authority's source file and run `dev certs setup`, so the bundle carries it.",
  'pin-mismatch': () =>
    'If the team changed its gateway certificate or CA, update "fingerprints" in .devcerts.json from a ' +
    'trusted channel and run `dev certs setup`. If not, something in between presents another ' +
    'certificate: do not trust it.',
  unknown: () =>
    'Run `dev certs setup`, then `DEBUG=dev-certs* dev certs doctor` to see every command and result.',
}

function chainReaches(leaf: Certificate, known: Certificate[], trusted: Set<Fingerprint>): boolean {
  let cert: Certificate | undefined = leaf
  for (let depth = 0; cert && depth < 8; depth++) {
    if (trusted.has(cert.fingerprint)) return true
    if (cert.selfSigned) return false
    const current: Certificate = cert
    cert = known.find((candidate) => candidate !== current && signedBy(current, candidate))
  }

  return false
}

function day(cert: Certificate): string {
  return cert.notAfter.toISOString().slice(0, 10)
}

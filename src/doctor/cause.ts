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
 * changed certificate is not reported as merely expired), then validity, then the host name. A missing
 * intermediate is named only when a team CA we hold shows it. A leaf sent alone whose issuer is nowhere to be
 * seen looks the same whether the gateway forgot an intermediate the team never published or another CA issued
 * it: that is its own cause, and its fix tells the two apart by the issuer's name.
 */
export function diagnose(url: URL, chain: Certificate[], team: Certificate[], now = new Date()): Diagnosis {
  const [leaf] = chain
  if (!leaf) return {}
  const trusted = new Set<Fingerprint>(team.map((cert) => cert.fingerprint))
  const sent = new Set<Fingerprint>(chain.map((cert) => cert.fingerprint))
  const known = [...chain.slice(1), ...team]
  const path = pathToTeam(leaf, known, trusted)
  if (!path) {
    const unknownIssuer = !leaf.selfSigned && !known.some((cert) => signedBy(leaf, cert))
    return {
      cause: unknownIssuer ? 'issuer-unknown' : 'pin-mismatch',
      detail:
        `it presents "${leaf.subject}" ${showFingerprint(leaf.fingerprint)}, issued by "${leaf.issuer}"` +
        (unknownIssuer ? ', which is neither in the chain it sends nor a team CA' : ''),
    }
  }

  const unsent = path.slice(1).filter((cert) => !cert.selfSigned && !sent.has(cert.fingerprint))
  if (unsent.length > 0) {
    return {
      cause: 'intermediate-missing',
      detail:
        `it sends "${leaf.subject}" without the team's intermediate ` +
        unsent.map((cert) => `"${cert.subject}" ${showFingerprint(cert.fingerprint)}`).join(', ') +
        ', which clients then cannot find unless their bundle carries it',
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
  // No TLS answer at all: nothing about trust can be said, and no trust setting is the fix.
  if (UNREACHABLE.test(text)) cause = 'unreachable'
  else if (/expired/i.test(text) && cause === 'issuer-unknown') {
    // Node names the expiry where OpenSSL's other clients name the missing issuer: one cause for all clients.
  } else if (/expired/i.test(text) && cause !== 'pin-mismatch') cause = 'expired'
  else if (
    /ALTNAME|hostname mismatch|IP address mismatch|does not match target host|subject name/i.test(text)
  ) {
    cause = 'hostname-mismatch'
  } else if (
    (cause === 'intermediate-missing' || cause === 'issuer-unknown') &&
    !ISSUER_NOT_FOUND.test(text)
  ) {
    // This client found the issuer (its bundle may carry it) or never got that far: it failed for another reason.
    cause = 'unknown'
  }

  const detail = cause === diagnosis.cause ? diagnosis.detail : undefined
  return {cause, detail, fix: FIXES[cause](host), words: PLAIN[cause](host)}
}

/** How Node, Python (requests, httpx) and curl say there was no TLS answer: refused, silent, or not TLS. */
const UNREACHABLE = new RegExp(
  [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENOTFOUND',
    'EAI_AGAIN',
    'no TLS handshake within',
    'Connection refused',
    'timed out',
    'Name or service not known',
    'WRONG_VERSION_NUMBER',
    'wrong version number',
    'packet length too long',
    'curl (6|7|28|35|52|56)\\b',
    'ConnectError',
    'ConnectTimeout',
    'ReadTimeout',
  ].join('|'),
  'i',
)

/** How Node, OpenSSL (Python, curl) and curl say that a certificate's issuer could not be found. */
const ISSUER_NOT_FOUND = new RegExp(
  [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'unable to get (local )?issuer certificate',
    'unable to verify the first certificate',
  ].join('|'),
  'i',
)

const PLAIN: Record<Cause, (host: string) => string> = {
  expired: () => "the gateway's certificate has expired",
  'hostname-mismatch': (host) => `the certificate does not name ${host}`,
  'intermediate-missing': () => 'the gateway does not send its intermediate certificate',
  'issuer-unknown': () =>
    "the gateway's certificate comes from an issuer that is not a team CA and that it does not send",
  'pin-mismatch': () =>
    'the gateway now presents another certificate (pin mismatch): it does not chain to a team CA',
  unreachable: (host) => `no TLS answer from ${host}: the connection failed, timed out, or is not TLS`,
  unknown: () => 'the client could not verify the gateway',
}

const FIXES: Record<Cause, (host: string) => string> = {
  expired: () =>
    'Renew the gateway certificate (a server-side fix; no client setting can accept an expired certificate).',
  'hostname-mismatch': (host) =>
    'Put a host name the certificate names in "hosts" of .devcerts.json, or reissue the gateway ' +
    `certificate with ${host} in its subjectAltName.`,
  'intermediate-missing': () =>
    'Configure the gateway to send its full chain (leaf, then intermediate). Until then, run ' +
    '`dev certs setup`: the team CAs include that intermediate, so the bundle then carries it.',
  'issuer-unknown': (host) =>
    `Read the issuer in the evidence. If it is the team's own intermediate, the gateway at ${host} does not ` +
    'send its full chain: configure it to send leaf then intermediate, and meanwhile add the intermediate to ' +
    "the authority's source and run `dev certs setup`. If the team does not know that issuer, the gateway " +
    'presents a certificate from another CA: do not trust it, and change a pin only from a trusted channel.',
  'pin-mismatch': (host) =>
    `Check the gateway at ${host}: the certificate it presents (see the evidence) does not chain to a ` +
    'pinned team CA. If the team changed its gateway certificate or CA, update "fingerprints" in ' +
    '.devcerts.json from a trusted channel and run `dev certs setup`. If not, something in between ' +
    'presents another certificate: do not trust it.',
  unreachable: (host) =>
    `Check that ${host} is up and reachable from here (VPN, proxy, firewall) and that the URL in "hosts" ` +
    'names its TLS port. This is not a trust problem: no CA setting changes it.',
  unknown: () =>
    "Run `dev certs setup`, then `DEBUG='dev-certs*' dev certs doctor` to see every command and result.",
}

/** The leaf, then each issuer up to the first team CA; undefined when the chain stops before one. */
function pathToTeam(
  leaf: Certificate,
  known: Certificate[],
  trusted: Set<Fingerprint>,
): Certificate[] | undefined {
  const path: Certificate[] = []
  let cert: Certificate | undefined = leaf
  for (let depth = 0; cert && depth < 8; depth++) {
    path.push(cert)
    if (trusted.has(cert.fingerprint)) return path
    if (cert.selfSigned) return undefined
    const current: Certificate = cert
    cert = known.find((candidate) => candidate !== current && signedBy(current, candidate))
  }

  return undefined
}

function day(cert: Certificate): string {
  return cert.notAfter.toISOString().slice(0, 10)
}

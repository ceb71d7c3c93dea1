import {type Certificate} from './certificate.js'
import {dedupe, signedBy} from './chain.js'
import {type Fingerprint, showFingerprint} from './fingerprint.js'
import {IntakeError} from './intake-error.js'
import {describeCertificate, nameCertificate, validate, type ValidateOptions} from './validate.js'

/** More unpinned roots than a team rotates through at once: a public CA bundle, not the team's CA. */
const MAX_UNPINNED_ROOTS = 3

/** The trust anchors picked from a set of certificates, and what travels with them into the bundle. */
export interface AnchorChoice {
  anchors: Certificate[]
  intermediates: Certificate[]
  warnings: string[]
}

/**
 * Picks what to trust from the certificates one source gave. A self-signed CA wins; a self-signed server
 * certificate (a gateway's default certificate) is accepted; an intermediate alone or a leaf signed by someone
 * else never is. With pins, only pinned self-signed certificates are trusted, every one of them (rotation).
 */
export function chooseAnchors(
  found: Certificate[],
  pins: Fingerprint[],
  origin: string,
  options: ValidateOptions = {},
): AnchorChoice {
  const certs = dedupe(found)
  const selfSigned = certs.filter((cert) => cert.selfSigned)
  const warnings: string[] = []
  let anchors: Certificate[]
  if (pins.length > 0) {
    const pinned = new Set(pins)
    anchors = selfSigned.filter((cert) => pinned.has(cert.fingerprint))
    const pinnedOthers = certs.filter((cert) => pinned.has(cert.fingerprint) && !cert.selfSigned)
    if (anchors.length === 0 && pinnedOthers.length > 0) throw notAnAnchor(pinnedOthers[0], origin)
    if (anchors.length === 0) throw pinMismatch(certs, pins, origin)
    for (const cert of selfSigned.filter((c) => c.isCa && !pinned.has(c.fingerprint))) {
      warnings.push(`${nameCertificate(cert)} was also found but is not pinned, so it is not trusted.`)
    }
  } else {
    const cas = selfSigned.filter((cert) => cert.isCa)
    anchors = cas.length > 0 ? cas : selfSigned
    if (anchors.length === 0) throw notAnAnchor(certs.find((cert) => cert.isCa) ?? certs[0], origin)
    if (anchors.length > MAX_UNPINNED_ROOTS) throw tooManyRoots(anchors.length, origin)
  }

  const refusals: string[] = []
  const valid = anchors.filter((cert) => {
    const verdict = validate(cert, 'anchor', options)
    warnings.push(...verdict.warnings.map((w) => `${nameCertificate(cert)}: ${w}`))
    if (verdict.errors.length > 0) refusals.push(`${describeCertificate(cert)}: ${verdict.errors.join('; ')}`)
    return verdict.errors.length === 0
  })
  if (valid.length === 0) {
    throw new IntakeError('REFUSED', `${origin}: refusing ${refusals.join('; and ')}.`, {
      fix: 'Get a current CA certificate from the team and update the source and pin.',
    })
  }

  warnings.push(...refusals.map((refusal) => `skipped ${refusal}`))
  const intermediates = intermediatesUnder(valid, certs, options, warnings)
  return {anchors: valid, intermediates, warnings}
}

/** CA certificates that chain up to one of the anchors: kept for the bundle, since gateways forget them. */
function intermediatesUnder(
  anchors: Certificate[],
  certs: Certificate[],
  options: ValidateOptions,
  warnings: string[],
): Certificate[] {
  const kept: Certificate[] = []
  const issuers = [...anchors]
  for (let grew = true; grew;) {
    grew = false
    for (const cert of certs) {
      if (cert.selfSigned || !cert.isCa || kept.includes(cert)) continue
      if (!issuers.some((issuer) => signedBy(cert, issuer))) continue
      const verdict = validate(cert, 'intermediate', options)
      if (verdict.errors.length > 0) {
        if (!warnings.some((w) => w.includes(cert.fingerprint))) {
          warnings.push(`intermediate ${describeCertificate(cert)} not kept: ${verdict.errors.join('; ')}`)
        }

        continue
      }

      warnings.push(...verdict.warnings.map((w) => `${nameCertificate(cert)}: ${w}`))
      kept.push(cert)
      issuers.push(cert)
      grew = true
    }
  }

  return kept
}

function notAnAnchor(cert: Certificate, origin: string): IntakeError {
  if (cert.isCa) {
    const published = cert.caIssuers.length > 0 ? ` (it is published at ${cert.caIssuers.join(', ')})` : ''
    return new IntakeError(
      'NOT_SELF_SIGNED',
      `${origin}: ${describeCertificate(cert)} is an intermediate CA, not a root: it is not self-signed. ` +
        `Its issuer is "${cert.issuer}".`,
      {
        fix:
          `Get the certificate of "${cert.issuer}"${published} from the team's PKI or the gateway's full chain, ` +
          'add it as a source and pin its fingerprint. Trusting an intermediate alone fails in Node.',
      },
    )
  }

  return new IntakeError(
    'NOT_A_CA',
    `${origin}: ${describeCertificate(cert)} is a server certificate (CA:FALSE) signed by "${cert.issuer}"; ` +
      'it cannot be trusted as an authority.',
    {fix: `Use the certificate of the CA that signed it ("${cert.issuer}") instead.`},
  )
}

function tooManyRoots(count: number, origin: string): IntakeError {
  return new IntakeError(
    'TOO_MANY_ROOTS',
    `${origin} holds ${count} self-signed CA certificates and no pin says which is the team's: ` +
      'it looks like a public CA bundle, and trusting all of it is not what a team CA needs.',
    {fix: 'Run `dev certs inspect` on the file and pin the team root(s) in "fingerprints".'},
  )
}

function pinMismatch(certs: Certificate[], pins: Fingerprint[], origin: string): IntakeError {
  const seen = certs.map((cert) => `  - ${describeCertificate(cert)}`).join('\n')
  return new IntakeError(
    'PIN_MISMATCH',
    `${origin}: no certificate matches the pinned fingerprint${pins.length > 1 ? 's' : ''} ` +
      `${pins.map((pin) => showFingerprint(pin)).join(', ')}. Found:\n${seen}`,
    {
      fix:
        'If the team rotated its CA, update the pin in .devcerts.json from a trusted channel. ' +
        'If not, something in between is presenting another certificate: do not trust it.',
    },
  )
}

import {type Certificate} from './certificate.js'
import {type Fingerprint, showFingerprint} from './fingerprint.js'
import {IntakeError} from './intake-error.js'
import {describeCertificate, nameCertificate, validate} from './validate.js'

/** The trust anchors picked from a set of certificates, and what travels with them into the bundle. */
export interface AnchorChoice {
  anchors: Certificate[]
  intermediates: Certificate[]
  warnings: string[]
}

/**
 * Picks what to trust from the certificates one source gave. A self-signed CA wins; a self-signed server
 * certificate (a gateway's default certificate) is accepted; an intermediate alone or a leaf signed by someone
 * else never is. With pins, only pinned self-signed certificates are trusted.
 */
export function chooseAnchors(found: Certificate[], pins: Fingerprint[], origin: string): AnchorChoice {
  const certs = dedupe(found)
  const selfSigned = certs.filter((cert) => cert.selfSigned)
  const pinned = new Set(pins)
  let anchors: Certificate[]
  if (pins.length > 0) {
    anchors = selfSigned.filter((cert) => pinned.has(cert.fingerprint))
    const pinnedOthers = certs.filter((cert) => pinned.has(cert.fingerprint) && !cert.selfSigned)
    if (anchors.length === 0 && pinnedOthers.length > 0) throw notAnAnchor(pinnedOthers[0], origin)
    if (anchors.length === 0) throw pinMismatch(certs, pins, origin)
  } else {
    const cas = selfSigned.filter((cert) => cert.isCa)
    anchors = cas.length > 0 ? cas : selfSigned
    if (anchors.length === 0) throw notAnAnchor(certs.find((cert) => cert.isCa) ?? certs[0], origin)
  }

  const warnings: string[] = []
  const valid = anchors.filter((cert) => {
    const verdict = validate(cert, 'anchor')
    warnings.push(...verdict.warnings.map((w) => `${nameCertificate(cert)}: ${w}`))
    if (verdict.errors.length > 0 && anchors.length === 1) {
      throw new IntakeError(
        'REFUSED',
        `${origin}: refusing ${describeCertificate(cert)}: ${verdict.errors.join('; ')}.`,
        {
          fix: 'Get a current CA certificate from the team and update the source and pin.',
        },
      )
    }

    if (verdict.errors.length > 0)
      warnings.push(`${describeCertificate(cert)} skipped: ${verdict.errors.join('; ')}`)
    return verdict.errors.length === 0
  })
  if (valid.length === 0) {
    throw new IntakeError('REFUSED', `${origin}: none of the pinned certificates can be trusted.`, {
      fix: 'See the warnings above; get current CA certificates from the team.',
    })
  }

  return {anchors: valid, intermediates: intermediatesUnder(valid, certs), warnings}
}

/** CA certificates that chain up to one of the anchors: kept for the bundle, since gateways forget them. */
function intermediatesUnder(anchors: Certificate[], certs: Certificate[]): Certificate[] {
  const kept: Certificate[] = []
  const issuers = [...anchors]
  let grew = true
  while (grew) {
    grew = false
    for (const cert of certs) {
      if (cert.selfSigned || !cert.isCa || kept.includes(cert)) continue
      if (
        issuers.some((issuer) => signedBy(cert, issuer)) &&
        validate(cert, 'intermediate').errors.length === 0
      ) {
        kept.push(cert)
        issuers.push(cert)
        grew = true
      }
    }
  }

  return kept
}

/** `issuer` issued `cert`: names match and its key verifies the signature. */
export function signedBy(cert: Certificate, issuer: Certificate): boolean {
  try {
    return cert.x509.checkIssued(issuer.x509) && cert.x509.verify(issuer.x509.publicKey)
  } catch {
    return false
  }
}

function notAnAnchor(cert: Certificate, origin: string): IntakeError {
  if (cert.isCa) {
    return new IntakeError(
      'NOT_SELF_SIGNED',
      `${origin}: ${describeCertificate(cert)} is an intermediate CA, not a root: it is not self-signed. ` +
        `Its issuer is "${cert.issuer}".`,
      {
        fix:
          `Get the certificate of "${cert.issuer}"` +
          (cert.caIssuers.length > 0 ? ` (published at ${cert.caIssuers.join(', ')})` : '') +
          ' and add it as a source, then pin its fingerprint. Trusting an intermediate alone fails in Node.',
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

function dedupe(certs: Certificate[]): Certificate[] {
  const seen = new Map<string, Certificate>()
  for (const cert of certs) seen.set(cert.fingerprint, cert)
  return [...seen.values()]
}

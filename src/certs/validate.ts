import {type Certificate, WEAK_SIGNATURES} from './certificate.js'
import {showFingerprint} from './fingerprint.js'
import {hostsOutside} from './name-constraints.js'

export interface Verdict {
  errors: string[]
  warnings: string[]
}

const DAY = 86_400_000
export const EXPIRY_WARNING_DAYS = 30

/** Names a certificate briefly, for warnings: subject and fingerprint. */
export function nameCertificate(cert: Certificate): string {
  return `"${cert.subject}" ${showFingerprint(cert.fingerprint)}`
}

/** Names a certificate the way every refusal should: subject, issuer, fingerprint, validity. */
export function describeCertificate(cert: Certificate): string {
  return (
    `"${cert.subject}" (issuer "${cert.issuer}", ${showFingerprint(cert.fingerprint)}, ` +
    `valid ${day(cert.notBefore)} to ${day(cert.notAfter)})`
  )
}

export function daysLeft(cert: Certificate, now = new Date()): number {
  return Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY)
}

export interface ValidateOptions {
  /** The team's host names, checked against name constraints. */
  hosts?: string[]
  now?: Date
}

/** Checks a certificate we are about to trust (`anchor`) or ship in the bundle (`intermediate`). */
export function validate(
  cert: Certificate,
  role: 'anchor' | 'intermediate',
  options: ValidateOptions = {},
): Verdict {
  const now = options.now ?? new Date()
  const errors: string[] = []
  const warnings: string[] = []
  if (cert.notAfter < now) errors.push(`it expired on ${day(cert.notAfter)}`)
  if (cert.notBefore > now) errors.push(`it is not valid before ${day(cert.notBefore)} (check the clock)`)
  if (!cert.isCa && !cert.selfSigned) errors.push('it is not a CA (CA:FALSE) and not self-signed')
  if (cert.keyType.startsWith('rsa') && (cert.keyBits ?? 0) < 2048) {
    errors.push(`its RSA key has ${cert.keyBits} bits; at least 2048 are required`)
  }

  const weak = WEAK_SIGNATURES[cert.signatureOid]
  if (weak && !(role === 'anchor' && cert.selfSigned)) {
    errors.push(`it is signed with ${weak}, which clients reject`)
  }

  if (errors.length === 0) {
    const left = daysLeft(cert, now)
    if (left <= EXPIRY_WARNING_DAYS) warnings.push(`it expires in ${left} days, on ${day(cert.notAfter)}`)
    if (cert.isCa && !cert.keyUsage?.keyCertSign) {
      warnings.push(
        cert.keyUsage
          ? 'its keyUsage lacks keyCertSign; Python 3.13 strict verification rejects it'
          : 'it has no keyUsage extension; Python 3.13 strict verification rejects such a CA',
      )
    }

    const outside = cert.nameConstraints ? hostsOutside(cert.nameConstraints, options.hosts ?? []) : []
    if (outside.length > 0) {
      warnings.push(`its name constraints exclude ${outside.join(', ')}: clients will reject those hosts`)
    }

    if (role === 'anchor' && !cert.isCa) {
      warnings.push(
        'it is a self-signed server certificate: trust must be renewed when the gateway renews it',
      )
    }
  }

  return {errors, warnings}
}

export function day(date: Date): string {
  return date.toISOString().slice(0, 10)
}

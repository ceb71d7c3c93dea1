import {X509Certificate} from 'node:crypto'

import {children, decodeOid, readTlv, TAG, type Tlv} from './der.js'
import {type Fingerprint, fingerprintOf} from './fingerprint.js'
import {type NameConstraints, readNameConstraints} from './name-constraints.js'

/** What we need to know about one X.509 certificate, read once from its DER. */
export interface Certificate {
  /** AIA caIssuers URLs, where the issuer's certificate can be fetched. */
  caIssuers: string[]
  der: Buffer
  fingerprint: Fingerprint
  hasAuthorityKeyId: boolean
  isCa: boolean
  issuer: string
  keyBits?: number
  keyType: string
  /** undefined when the certificate has no keyUsage extension. */
  keyUsage?: {keyCertSign: boolean}
  /** undefined when the certificate has no nameConstraints extension. */
  nameConstraints?: NameConstraints
  notAfter: Date
  notBefore: Date
  pem: string
  /** Issuer equals subject and the certificate's own key verifies its signature. */
  selfSigned: boolean
  serial: string
  signatureOid: string
  subject: string
  subjectAltNames: string[]
  x509: X509Certificate
}

const OID = {
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  authorityKeyId: '2.5.29.35',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  keyUsage: '2.5.29.15',
  nameConstraints: '2.5.29.30',
}

export const WEAK_SIGNATURES: Record<string, string> = {
  '1.2.840.10040.4.3': 'DSA with SHA-1',
  '1.2.840.10045.4.1': 'ECDSA with SHA-1',
  '1.2.840.113549.1.1.2': 'MD2 with RSA',
  '1.2.840.113549.1.1.4': 'MD5 with RSA',
  '1.2.840.113549.1.1.5': 'SHA-1 with RSA',
}

/** Throws when the bytes are not one well-formed certificate; callers turn that into an IntakeError. */
export function parseCertificate(der: Buffer): Certificate {
  const x509 = new X509Certificate(der)
  const outer = readTlv(der, 0)
  if (outer.end !== der.length) throw new Error(`${der.length - outer.end} stray bytes after the certificate`)
  const [tbs, signatureAlgorithm] = children(der, outer)
  const extensions = readExtensions(der, tbs)
  const details = x509.publicKey.asymmetricKeyDetails
  const keyUsageBits = extensions.get(OID.keyUsage)
  const selfIssued = x509.subject === x509.issuer
  return {
    caIssuers: extensions.has(OID.authorityInfoAccess)
      ? readCaIssuers(der, extensions.get(OID.authorityInfoAccess)!)
      : [],
    der,
    fingerprint: fingerprintOf(der),
    hasAuthorityKeyId: extensions.has(OID.authorityKeyId),
    isCa: x509.ca,
    issuer: oneLine(x509.issuer),
    keyBits: details?.modulusLength ?? namedCurveBits(details?.namedCurve),
    keyType: x509.publicKey.asymmetricKeyType ?? 'unknown',
    keyUsage: keyUsageBits ? {keyCertSign: hasKeyCertSign(der, keyUsageBits)} : undefined,
    nameConstraints: extensions.has(OID.nameConstraints)
      ? readNameConstraints(der, extensions.get(OID.nameConstraints)!)
      : undefined,
    notAfter: validityDate(x509.validTo, 'notAfter'),
    notBefore: validityDate(x509.validFrom, 'notBefore'),
    pem: toPem(der),
    selfSigned: selfIssued && safeVerify(x509),
    serial: x509.serialNumber,
    signatureOid: decodeOid(der, children(der, signatureAlgorithm)[0]),
    subject: oneLine(x509.subject),
    subjectAltNames: (x509.subjectAltName ?? '').split(/,\s*/).filter(Boolean),
    x509,
  }
}

export function toPem(der: Uint8Array): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replaceAll(/.{1,64}/g, '$&\n')
  return `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`
}

/** "CN=Team Root, O=Example" — one line, control characters shown escaped so logs cannot be forged. */
export function oneLine(name: string): string {
  const escaped = [...name.split('\n').join(', ')].map((c) => {
    const code = c.charCodeAt(0)
    return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c
  })
  return escaped.join('')
}

export function commonName(cert: Certificate): string {
  return /(?:^|, )CN=([^,]+)/.exec(cert.subject)?.[1] ?? cert.subject
}

/** OpenSSL prints "Bad time value" for a malformed date; that is a damaged certificate, not a date. */
function validityDate(text: string, field: string): Date {
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new Error(`its ${field} date is malformed ("${text}")`)
  return date
}

function safeVerify(x509: X509Certificate): boolean {
  try {
    return x509.verify(x509.publicKey)
  } catch {
    return false
  }
}

function readExtensions(der: Buffer, tbs: Tlv): Map<string, Tlv> {
  const found = new Map<string, Tlv>()
  const wrapper = children(der, tbs).find((child) => child.tag === TAG.CONTEXT_3)
  if (!wrapper) return found
  const [list] = children(der, wrapper)
  for (const extension of children(der, list)) {
    const parts = children(der, extension)
    const value = parts.at(-1)!
    found.set(decodeOid(der, parts[0]), readTlv(der, value.contentStart, value.end))
  }

  return found
}

function hasKeyCertSign(der: Buffer, bits: Tlv): boolean {
  // BIT STRING: first byte counts unused bits; keyCertSign is bit 5 of the first value byte.
  return bits.end - bits.contentStart > 1 && (der[bits.contentStart + 1] & 0x04) !== 0
}

function readCaIssuers(der: Buffer, aia: Tlv): string[] {
  const urls: string[] = []
  for (const access of children(der, aia)) {
    const [method, location] = children(der, access)
    // GeneralName uniformResourceIdentifier is [6] IMPLICIT IA5String.
    if (decodeOid(der, method) === OID.caIssuers && location.tag === 0x86) {
      // Shown in messages: a URL holds no control characters, so any here are escaped, never printed raw.
      urls.push(oneLine(der.subarray(location.contentStart, location.end).toString('latin1')))
    }
  }

  return urls
}

function namedCurveBits(curve: string | undefined): number | undefined {
  const match = /(\d{3})/.exec(curve ?? '')
  return match ? Number(match[1]) : undefined
}

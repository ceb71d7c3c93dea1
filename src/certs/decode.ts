import {type Certificate, parseCertificate} from './certificate.js'
import {definiteLengths, DerError, readTlv, TAG, type Tlv} from './der.js'
import {IntakeError} from './intake-error.js'
import {blockBytes, type PemBlock, readPemBlocks} from './pem.js'
import {kindOf, pkcs7Certificates} from './pkcs7.js'
import {readText, type TextEncoding} from './text-encoding.js'

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE'])
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS'])
const EXPORT_FIX =
  'Export the CA certificate as PEM (-----BEGIN CERTIFICATE-----), DER (.cer/.der) or PKCS#7 (.p7b).'

export interface Decoded {
  certificates: Certificate[]
  /** How the input was read: "der", or the text encoding of PEM. */
  encoding: 'der' | TextEncoding
  /** The input held a private key. It is never copied anywhere; callers warn loudly. */
  privateKey: boolean
}

/**
 * Turns the bytes of a file, a variable or a response into certificates: PEM (LF, CRLF, UTF-8 BOM, UTF-16),
 * DER (one or several certificates), and PKCS#7 in either form. Every failure is an IntakeError naming
 * `origin` and, for a file with several parts, which part.
 */
export function decodeCertificates(bytes: Uint8Array, origin: string): Decoded {
  const buf = Buffer.from(bytes)
  if (buf.length === 0) {
    throw new IntakeError('EMPTY', `${origin} is empty: no certificate in it.`, {fix: EXPORT_FIX})
  }

  const decoded = readText(buf)
  if (decoded?.text.includes('-----BEGIN')) {
    return {...decodePem(decoded.text, origin), encoding: decoded.encoding}
  }

  if (buf[0] === TAG.SEQUENCE && buf[1] === 0x80) return decodeDer(fromBer(buf, origin), origin)
  if (buf[0] === TAG.SEQUENCE && (decoded === undefined || framesAsDer(buf))) return decodeDer(buf, origin)
  const found = describe(buf, decoded?.text)
  throw new IntakeError('NOT_A_CERTIFICATE', `${origin} holds no certificate: found ${found}.`, {
    fix: EXPORT_FIX,
  })
}

function decodePem(text: string, origin: string): Omit<Decoded, 'encoding'> {
  const certificates: Certificate[] = []
  const others: string[] = []
  let privateKey = false
  for (const block of readPemBlocks(text, origin)) {
    const where = `${origin}: PEM block ${block.index} (line ${block.line})`
    if (block.label.endsWith('PRIVATE KEY')) {
      privateKey = true
    } else if (CERT_LABELS.has(block.label)) {
      certificates.push(...certificatesIn(certificateOf(block, origin), where))
    } else if (PKCS7_LABELS.has(block.label)) {
      certificates.push(...readPkcs7(blockBytes(block, origin), where))
    } else {
      others.push(block.label)
    }
  }

  if (certificates.length === 0) {
    const found = [...(privateKey ? ['PRIVATE KEY'] : []), ...others]
    throw new IntakeError(
      'NOT_A_CERTIFICATE',
      `${origin} has no certificate: ${found.length > 0 ? `found only ${found.join(', ')}` : 'found no PEM block'}.`,
      {fix: pemFix(found)},
    )
  }

  return {certificates, privateKey}
}

function decodeDer(buf: Buffer, origin: string): Decoded {
  const elements = derElements(buf, origin)
  const certificates: Certificate[] = []
  for (const [i, element] of elements.entries()) {
    const where = elements.length > 1 ? `${origin}: DER element ${i + 1} (byte ${element.start})` : origin
    const kind = safeKind(buf, element)
    if (kind === 'private-key') {
      throw new IntakeError(
        'NOT_A_CERTIFICATE',
        `${where} is a private key in DER form, not a certificate.`,
        {
          fix: 'Point the config at the CA certificate. Never share a private key: it was not copied anywhere.',
        },
      )
    }

    if (kind === 'pkcs12') {
      throw new IntakeError(
        'PKCS12',
        `${where} is a PKCS#12 (.pfx/.p12) archive, which holds a private key.`,
        {
          fix: 'Export only the CA certificate (.cer, .pem or .p7b), without its key.',
        },
      )
    }

    const der = buf.subarray(element.start, element.end)
    if (kind === 'pkcs7') certificates.push(...readPkcs7(der, where))
    else certificates.push(parseOne(der, where))
  }

  return {certificates, encoding: 'der', privateKey: false}
}

/** Top-level DER elements, back to back; bytes that do not frame as DER are an error naming the offset. */
function derElements(buf: Buffer, origin: string): Tlv[] {
  const elements: Tlv[] = []
  try {
    for (let at = 0; at < buf.length;) {
      const element = readTlv(buf, at)
      if (element.tag !== TAG.SEQUENCE) throw new DerError(`byte ${at} starts no DER structure`)
      elements.push(element)
      at = element.end
    }
  } catch (error) {
    throw new IntakeError('CORRUPT_DER', `${origin} is not valid DER: ${(error as Error).message}.`, {
      fix: 'Export the certificate again; the file is damaged or truncated.',
    })
  }

  return elements
}

/** Some PKCS#7 writers stream BER with indefinite lengths; the certificates inside stay byte for byte. */
function fromBer(buf: Buffer, origin: string): Buffer {
  try {
    return definiteLengths(buf)
  } catch (error) {
    throw new IntakeError('CORRUPT_DER', `${origin} is not valid DER or BER: ${(error as Error).message}.`, {
      fix: 'Export the bundle again; the file is damaged or truncated.',
    })
  }
}

function framesAsDer(buf: Buffer): boolean {
  try {
    return readTlv(buf, 0).end === buf.length
  } catch {
    return false
  }
}

function safeKind(buf: Buffer, element: Tlv): ReturnType<typeof kindOf> {
  try {
    return kindOf(buf, element)
  } catch {
    return 'certificate'
  }
}

function readPkcs7(input: Buffer, origin: string): Certificate[] {
  let parts: Buffer[]
  try {
    const der = input[1] === 0x80 ? definiteLengths(input) : input
    parts = pkcs7Certificates(der, readTlv(der, 0))
  } catch (error) {
    throw new IntakeError(
      'CORRUPT_PKCS7',
      `${origin} is not a readable PKCS#7 bundle: ${(error as Error).message}.`,
      {
        fix: 'Export the bundle again (Windows: "Cryptographic Message Syntax Standard - PKCS #7 (.p7b)").',
      },
    )
  }

  if (parts.length === 0) {
    throw new IntakeError('CORRUPT_PKCS7', `${origin} is a PKCS#7 bundle with no certificate.`)
  }

  return parts.map((part, i) => parseOne(part, `${origin}: PKCS#7 certificate ${i + 1}`))
}

function parseOne(der: Buffer, origin: string): Certificate {
  try {
    return parseCertificate(Buffer.from(der))
  } catch (error) {
    throw new IntakeError(
      'CORRUPT_CERTIFICATE',
      `${origin} is not a valid certificate: ${(error as Error).message}.`,
      {
        fix: 'Export the certificate again; the data is damaged or truncated.',
      },
    )
  }
}

/** A CERTIFICATE block that holds a PKCS#7 bundle (some PKI pages label it so) is read as the bundle it is. */
function certificatesIn(der: Buffer, where: string): Certificate[] {
  const outer = der[0] === TAG.SEQUENCE ? safeFrame(der) : undefined
  if (outer && safeKind(der, outer) === 'pkcs7') return readPkcs7(der, where)
  return [parseOne(der, where)]
}

function safeFrame(der: Buffer): Tlv | undefined {
  try {
    return readTlv(der, 0)
  } catch {
    return undefined
  }
}

/** OpenSSL's TRUSTED CERTIFICATE is the certificate followed by trust settings: keep the certificate. */
function certificateOf(block: PemBlock, origin: string): Buffer {
  const der = blockBytes(block, origin)
  if (block.label !== 'TRUSTED CERTIFICATE') return der
  try {
    return der.subarray(0, readTlv(der, 0).end)
  } catch {
    return der
  }
}

function pemFix(found: string[]): string {
  if (found.includes('CERTIFICATE REQUEST') || found.includes('NEW CERTIFICATE REQUEST')) {
    return 'A certificate request is not a certificate; use the CA certificate that signed it.'
  }

  if (found.includes('PRIVATE KEY') || found.some((label) => label.endsWith('PRIVATE KEY'))) {
    return 'This is a key file; point the config at the CA certificate. The key was not copied anywhere.'
  }

  return EXPORT_FIX
}

/** Says what a non-certificate input looks like, so the error is useful ("an HTML page", "JSON"). */
export function describe(buf: Buffer, text = readText(buf)?.text): string {
  if (text === undefined) return `${buf.length} bytes of binary data that is not DER`
  const head = text.trimStart().slice(0, 1024).toLowerCase()
  if (isHtml(head)) return 'an HTML page (a login or error page?)'
  if (head.startsWith('{') || head.startsWith('[')) return 'JSON'
  if (!text.trim()) return 'only white space'
  if (/^[A-Za-z0-9+/=\s]+$/.test(text) && text.trim().length >= 64) {
    return 'base64 text without -----BEGIN CERTIFICATE----- / -----END CERTIFICATE----- lines'
  }

  // The content itself is never quoted: a mistyped path can point at a credentials file, and errors end up in
  // CI logs.
  const lines = text.trim().split('\n').length
  return `${lines} line${lines === 1 ? '' : 's'} of text with no -----BEGIN CERTIFICATE----- block`
}

export function isHtml(head: string): boolean {
  return (
    /^(<!doctype html|<html|<head|<body)/.test(head) || /<(html|body|title)[\s>]/.test(head.slice(0, 512))
  )
}

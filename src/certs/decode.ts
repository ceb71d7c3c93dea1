import {type Certificate, parseCertificate} from './certificate.js'
import {children, decodeOid, DerError, readTlv, TAG} from './der.js'
import {IntakeError} from './intake-error.js'

const PKCS7_SIGNED_DATA = '1.2.840.113549.1.7.2'
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([^-]*)-----END ([A-Z0-9 #]+)-----/g
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE'])
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS'])

export interface Decoded {
  certificates: Certificate[]
  /** The input held a private key. It is never copied anywhere; callers warn loudly. */
  privateKey: boolean
}

/**
 * Turns the bytes of a file, a variable or a response into certificates. Accepts PEM (LF, CRLF, UTF-8 BOM,
 * UTF-16 with BOM), DER, and PKCS#7 in either form. `origin` names the input in every error.
 */
export function decodeCertificates(bytes: Uint8Array, origin: string): Decoded {
  const buf = Buffer.from(bytes)
  if (buf.length === 0) throw new IntakeError('EMPTY', `${origin} is empty: no certificate in it.`)
  const text = asText(buf)
  if (text !== undefined && text.includes('-----BEGIN')) return decodePem(text, origin)
  if (buf[0] === TAG.SEQUENCE) return {certificates: decodeDer(buf, origin), privateKey: false}
  throw new IntakeError(
    'NOT_A_CERTIFICATE',
    `${origin} holds no certificate: found ${describe(buf, text)}.`,
    {
      fix: 'Export the CA certificate as PEM (-----BEGIN CERTIFICATE-----) or DER (.cer/.der), or a PKCS#7 .p7b.',
    },
  )
}

function decodePem(text: string, origin: string): Decoded {
  const certificates: Certificate[] = []
  let privateKey = false
  let index = 0
  const normalised = text.replaceAll('\r', '')
  for (const match of normalised.matchAll(PEM_BLOCK)) {
    index++
    const [, label, body, endLabel] = match
    if (label !== endLabel) {
      throw new IntakeError(
        'CORRUPT_PEM',
        `${origin}: PEM block ${index} starts as ${label} but ends as ${endLabel}.`,
      )
    }

    if (label.endsWith('PRIVATE KEY')) {
      privateKey = true
      continue
    }

    const der = base64Body(body, origin, index)
    if (CERT_LABELS.has(label)) {
      certificates.push(
        parseOne(label === 'TRUSTED CERTIFICATE' ? firstElement(der) : der, `${origin}: PEM block ${index}`),
      )
    } else if (PKCS7_LABELS.has(label)) {
      certificates.push(...decodePkcs7(der, `${origin}: PEM block ${index}`))
    }
  }

  const begins = normalised.match(/-----BEGIN /g)?.length ?? 0
  if (begins > index) {
    throw new IntakeError(
      'CORRUPT_PEM',
      `${origin}: PEM block ${index + 1} is not complete (a BEGIN line without a matching END line).`,
      {fix: 'Copy the certificate again, including its -----END CERTIFICATE----- line.'},
    )
  }

  if (certificates.length === 0) {
    throw new IntakeError('NOT_A_CERTIFICATE', `${origin} has PEM blocks but no certificate in them.`, {
      fix: privateKey
        ? 'This looks like a key file; point the config at the certificate instead.'
        : undefined,
    })
  }

  return {certificates, privateKey}
}

function decodeDer(buf: Buffer, origin: string): Certificate[] {
  try {
    const outer = readTlv(buf, 0)
    const [first] = children(buf, outer)
    if (first?.tag === TAG.OID && decodeOid(buf, first) === PKCS7_SIGNED_DATA) return decodePkcs7(buf, origin)
  } catch (error) {
    throw new IntakeError('CORRUPT_DER', `${origin} is not valid DER: ${(error as Error).message}.`)
  }

  return [parseOne(buf, origin)]
}

/** PKCS#7 SignedData: ContentInfo { oid, [0] SignedData { version, digests, content, [0] certificates } }. */
function decodePkcs7(der: Buffer, origin: string): Certificate[] {
  try {
    const contentInfo = children(der, readTlv(der, 0))
    if (contentInfo[0]?.tag !== TAG.OID || decodeOid(der, contentInfo[0]) !== PKCS7_SIGNED_DATA) {
      throw new DerError('not a PKCS#7 SignedData structure')
    }

    const [signedData] = children(der, contentInfo[1])
    const certSet = children(der, signedData).find((child) => child.tag === TAG.CONTEXT_0)
    if (!certSet) throw new DerError('the PKCS#7 bundle holds no certificates')
    return children(der, certSet).map((tlv, i) =>
      parseOne(der.subarray(tlv.start, tlv.end), `${origin}: PKCS#7 certificate ${i + 1}`),
    )
  } catch (error) {
    if (error instanceof IntakeError) throw error
    throw new IntakeError(
      'CORRUPT_PKCS7',
      `${origin} is not a readable PKCS#7 bundle: ${(error as Error).message}.`,
    )
  }
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

function base64Body(body: string, origin: string, index: number): Buffer {
  const lines = body.split('\n').filter((line) => line.trim() && !line.includes(':'))
  const clean = lines.join('').replaceAll(/\s/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1 || clean.length === 0) {
    throw new IntakeError('CORRUPT_PEM', `${origin}: PEM block ${index} is not valid base64.`, {
      fix: 'Copy the certificate again; some characters were lost or changed.',
    })
  }

  return Buffer.from(clean, 'base64')
}

/** OpenSSL's TRUSTED CERTIFICATE is the certificate followed by trust settings: keep the certificate. */
function firstElement(der: Buffer): Buffer {
  try {
    return der.subarray(0, readTlv(der, 0).end)
  } catch {
    return der
  }
}

function asText(buf: Buffer): string | undefined {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le')
  if (buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2)).swap16().toString('utf16le')
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8')
  const sample = buf.subarray(0, 4096)
  return sample.includes(0) ? undefined : buf.toString('utf8')
}

/** Says what a non-certificate input looks like, so the error is useful ("an HTML page", "a private key"). */
export function describe(buf: Buffer, text = asText(buf)): string {
  if (text === undefined) return `${buf.length} bytes of binary data that is not DER`
  const head = text.trimStart().slice(0, 512).toLowerCase()
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.includes('<body')) {
    return 'an HTML page (a login or error page?)'
  }

  if (head.startsWith('{') || head.startsWith('[')) return 'JSON'
  if (!text.trim()) return 'only white space'
  return `text that is not PEM ("${text.trim().slice(0, 40).replaceAll(/\s+/g, ' ')}…")`
}

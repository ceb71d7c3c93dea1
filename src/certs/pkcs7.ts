import {children, decodeOid, DerError, TAG, type Tlv} from './der.js'

const SIGNED_DATA = '1.2.840.113549.1.7.2'
const DATA = '1.2.840.113549.1.7.1'

/** What a top-level DER element is, judged from its first fields only. */
export type DerKind = 'certificate' | 'pkcs12' | 'pkcs7' | 'private-key'

export function kindOf(der: Uint8Array, element: Tlv): DerKind {
  const parts = children(der, element)
  const [first, second] = parts
  if (first?.tag === TAG.OID && decodeOid(der, first) === SIGNED_DATA) return 'pkcs7'
  if (first?.tag === TAG.INTEGER) {
    // PFX starts with version 3 and a ContentInfo of type data; private keys start with version 0 or 1.
    const version = first.end - first.contentStart === 1 ? der[first.contentStart] : -1
    if (version === 3 && second?.tag === TAG.SEQUENCE && isData(der, second)) return 'pkcs12'
    if (version === 0 || version === 1) return 'private-key'
  }

  return 'certificate'
}

/** The DER certificates in a PKCS#7 SignedData: ContentInfo { oid, [0] { SignedData { …, [0] certs } } }. */
export function pkcs7Certificates(der: Uint8Array, contentInfo: Tlv): Buffer[] {
  const parts = children(der, contentInfo)
  if (parts[1]?.tag !== TAG.CONTEXT_0) throw new DerError('the PKCS#7 ContentInfo has no content')
  const [signedData] = children(der, parts[1])
  if (signedData?.tag !== TAG.SEQUENCE) throw new DerError('the PKCS#7 content is not SignedData')
  const certSet = children(der, signedData).find((child) => child.tag === TAG.CONTEXT_0)
  if (!certSet) return []
  return children(der, certSet)
    .filter((tlv) => tlv.tag === TAG.SEQUENCE)
    .map((tlv) => Buffer.from(der.subarray(tlv.start, tlv.end)))
}

function isData(der: Uint8Array, contentInfo: Tlv): boolean {
  try {
    const [type] = children(der, contentInfo)
    return type?.tag === TAG.OID && decodeOid(der, type) === DATA
  } catch {
    return false
  }
}

import {type Certificate} from './certificate.js'

/** The issuer's name matches and its key verifies the signature. */
export function signedBy(cert: Certificate, issuer: Certificate): boolean {
  try {
    return cert.x509.checkIssued(issuer.x509) && cert.x509.verify(issuer.x509.publicKey)
  } catch {
    return false
  }
}

/** Certificates whose issuer is not in the set: where a chain stops short of its root. */
export function danglingTops(certs: Certificate[]): Certificate[] {
  return certs.filter(
    (cert) => !cert.selfSigned && !certs.some((other) => other !== cert && signedBy(cert, other)),
  )
}

export function dedupe(certs: Certificate[]): Certificate[] {
  const seen = new Map<string, Certificate>()
  for (const cert of certs) if (!seen.has(cert.fingerprint)) seen.set(cert.fingerprint, cert)
  return [...seen.values()]
}

import {randomBytes} from 'node:crypto'
import forge from 'node-forge'

/** Throwaway PKI for the demo and the tests. Never used for anything the user trusts outside a temp dir. */
export interface Issued {
  cert: forge.pki.Certificate
  certPem: string
  der: Buffer
  keyPem: string
  keys: forge.pki.rsa.KeyPair
}

export interface CertOptions {
  /** false leaves out the Authority Key Identifier, which Python 3.13 strict verification requires. */
  authorityKeyId?: boolean
  bits?: number
  commonName: string
  /** Signature digest; tests use sha1 and md5 to check that weak signatures are refused. */
  digest?: 'md5' | 'sha1' | 'sha256'
  /** Extra extensions in node-forge form, e.g. AIA or name constraints built by the tests. */
  extensions?: object[]
  /** Days from now; negative for an already expired certificate. */
  days?: number
  hosts?: string[]
  notBeforeDays?: number
  withKeyUsage?: boolean
}

const DAY = 86_400_000

export function makeRootCa(options: Partial<CertOptions> = {}): Issued {
  const keys = forge.pki.rsa.generateKeyPair({bits: options.bits ?? 2048})
  const cert = baseCert(keys, {commonName: 'dev-certs Demo Root CA', ...options})
  cert.setIssuer(cert.subject.attributes)
  cert.setExtensions([
    {cA: true, critical: true, name: 'basicConstraints'},
    ...(options.withKeyUsage === false
      ? []
      : [{cRLSign: true, critical: true, keyCertSign: true, name: 'keyUsage'}]),
    {name: 'subjectKeyIdentifier'},
    ...(options.extensions ?? []),
  ])
  return sign(cert, keys, keys, options.digest)
}

export function makeIntermediate(issuer: Issued, options: Partial<CertOptions> = {}): Issued {
  const keys = forge.pki.rsa.generateKeyPair({bits: options.bits ?? 2048})
  const cert = baseCert(keys, {commonName: 'dev-certs Demo Issuing CA', ...options})
  cert.setIssuer(issuer.cert.subject.attributes)
  cert.setExtensions([
    {cA: true, critical: true, name: 'basicConstraints', pathLenConstraint: 0},
    {cRLSign: true, critical: true, keyCertSign: true, name: 'keyUsage'},
    {name: 'subjectKeyIdentifier'},
    authorityKeyId(issuer),
    ...(options.extensions ?? []),
  ])
  return sign(cert, keys, issuer.keys, options.digest)
}

/** A server certificate; without an issuer it is self-signed, like a gateway's default certificate. */
export function makeLeaf(issuer: Issued | undefined, options: Partial<CertOptions> = {}): Issued {
  const keys = forge.pki.rsa.generateKeyPair({bits: options.bits ?? 2048})
  const hosts = options.hosts ?? ['localhost', '127.0.0.1']
  const cert = baseCert(keys, {commonName: hosts[0], ...options})
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : cert.subject.attributes)
  cert.setExtensions([
    {cA: false, critical: true, name: 'basicConstraints'},
    {critical: true, digitalSignature: true, keyEncipherment: true, name: 'keyUsage'},
    {name: 'extKeyUsage', serverAuth: true},
    {
      altNames: hosts.map((host) => (/^[\d.]+$/.test(host) ? {ip: host, type: 7} : {type: 2, value: host})),
      name: 'subjectAltName',
    },
    {name: 'subjectKeyIdentifier'},
    ...(issuer && options.authorityKeyId !== false ? [authorityKeyId(issuer)] : []),
    ...(options.extensions ?? []),
  ])
  return sign(cert, keys, issuer?.keys ?? keys, options.digest)
}

function baseCert(keys: forge.pki.rsa.KeyPair, options: CertOptions): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = keys.publicKey
  cert.serialNumber = '01' + randomBytes(15).toString('hex')
  const now = Date.now()
  cert.validity.notBefore = new Date(now + (options.notBeforeDays ?? -1) * DAY)
  cert.validity.notAfter = new Date(now + (options.days ?? 365) * DAY)
  cert.setSubject([
    {name: 'commonName', value: options.commonName},
    {name: 'organizationName', value: 'dev-certs demo'},
  ])
  return cert
}

function authorityKeyId(issuer: Issued): {keyIdentifier: string; name: string} {
  return {
    keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes(),
    name: 'authorityKeyIdentifier',
  }
}

function sign(
  cert: forge.pki.Certificate,
  keys: forge.pki.rsa.KeyPair,
  signer: forge.pki.rsa.KeyPair,
  digest: CertOptions['digest'] = 'sha256',
): Issued {
  cert.sign(signer.privateKey, forge.md[digest].create())
  const certPem = forge.pki.certificateToPem(cert).replaceAll('\r\n', '\n')
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary')
  return {cert, certPem, der, keyPem: forge.pki.privateKeyToPem(keys.privateKey), keys}
}

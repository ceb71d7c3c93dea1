import forge from 'node-forge'
import {describe, expect, it} from 'vitest'

import {chooseAnchors} from '../../src/certs/anchor.js'
import {children, readTlv} from '../../src/certs/der.js'
import {decodeCertificates} from '../../src/certs/decode.js'
import {IntakeError} from '../../src/certs/intake-error.js'
import {pkcs7Of, utf16} from '../helpers/bundles.js'
import {makeIntermediate, makeLeaf, makeRootCa} from '../helpers/pki.js'

const root = makeRootCa({commonName: 'Formats Root'})
const intermediate = makeIntermediate(root, {commonName: 'Formats Issuing CA'})
const leaf = makeLeaf(intermediate, {hosts: ['localhost']})
const subjects = (bytes: Uint8Array) =>
  decodeCertificates(bytes, 'input').certificates.map((c) => commonName(c.subject))
const commonName = (subject: string) => /CN=([^,]+)/.exec(subject)?.[1]

function refusal(bytes: Uint8Array): IntakeError {
  try {
    decodeCertificates(bytes, 'input')
  } catch (error) {
    expect(error).toBeInstanceOf(IntakeError)
    return error as IntakeError
  }

  throw new Error('accepted')
}

describe('certificate formats', () => {
  it('a PEM in UTF-16BE with a BOM is decoded', () => {
    const decoded = decodeCertificates(utf16(root.certPem, 'be'), 'input')
    expect(decoded.encoding).toBe('utf-16be')
    expect(decoded.certificates[0].der).toEqual(root.der)
  })

  it('a PEM in UTF-16LE without a BOM is decoded, since it holds PEM armour', () => {
    expect(subjects(utf16(root.certPem, 'le', false))).toEqual(['Formats Root'])
  })

  it('several certificates in any order are all read', () => {
    const pem = leaf.certPem + root.certPem + intermediate.certPem
    expect(subjects(Buffer.from(pem))).toEqual(['localhost', 'Formats Root', 'Formats Issuing CA'])
    const choice = chooseAnchors(decodeCertificates(Buffer.from(pem), 'input').certificates, [], 'input')
    expect(choice.anchors.map((c) => commonName(c.subject))).toEqual(['Formats Root'])
    expect(choice.intermediates.map((c) => commonName(c.subject))).toEqual(['Formats Issuing CA'])
  })

  it('DER certificates written back to back are all read', () => {
    expect(subjects(Buffer.concat([root.der, intermediate.der]))).toEqual([
      'Formats Root',
      'Formats Issuing CA',
    ])
  })

  it('a PKCS#7 bundle yields the root as anchor and keeps the intermediate, in DER and in PEM', () => {
    for (const form of ['der', 'pem'] as const) {
      const certs = decodeCertificates(pkcs7Of([intermediate, root], form), 'input').certificates
      const choice = chooseAnchors(certs, [], 'input')
      expect(choice.anchors.map((c) => c.der)).toEqual([root.der])
      expect(choice.intermediates.map((c) => c.der)).toEqual([intermediate.der])
    }
  })

  it('a PKCS#7 bundle streamed as BER with indefinite lengths is read, and its certificates keep their bytes', () => {
    const ber = indefinite(pkcs7Of([root, intermediate]), 4)
    expect(ber.subarray(0, 2)).toEqual(Buffer.from([0x30, 0x80]))
    const certs = decodeCertificates(ber, 'input').certificates
    expect(certs.map((c) => c.der)).toEqual([root.der, intermediate.der])
    const pem = `-----BEGIN PKCS7-----\n${ber.toString('base64')}\n-----END PKCS7-----\n`
    expect(decodeCertificates(Buffer.from(pem), 'input').certificates.map((c) => c.der)).toEqual([
      root.der,
      intermediate.der,
    ])
  })

  it('a BER bundle without its end-of-contents marker is refused as damaged', () => {
    const ber = indefinite(pkcs7Of([root]), 2)
    expect(refusal(ber.subarray(0, ber.length - 2)).message).toContain('has no end-of-contents marker')
  })

  it('a PKCS#7 bundle in a block labelled CERTIFICATE is read as the bundle it is', () => {
    const body = pkcs7Of([root, intermediate])
      .toString('base64')
      .replaceAll(/.{1,64}/g, '$&\n')
    const pem = `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`
    expect(subjects(Buffer.from(pem))).toEqual(['Formats Root', 'Formats Issuing CA'])
  })

  it('a PEM pasted with spaces where its newlines were (a CI variable) is read', () => {
    const flat = root.certPem.replaceAll('\n', ' ')
    expect(subjects(Buffer.from(flat))).toEqual(['Formats Root'])
  })

  it('an OpenSSL TRUSTED CERTIFICATE block gives its certificate', () => {
    const trailer = Buffer.from([0x30, 0x03, 0x06, 0x01, 0x00])
    const body = Buffer.concat([root.der, trailer])
      .toString('base64')
      .replaceAll(/.{1,64}/g, '$&\n')
    const pem = `-----BEGIN TRUSTED CERTIFICATE-----\n${body}-----END TRUSTED CERTIFICATE-----\n`
    expect(decodeCertificates(Buffer.from(pem), 'input').certificates[0].der).toEqual(root.der)
  })

  it('an encrypted legacy private key next to the certificate is noticed and never decoded', () => {
    const key = forge.pki.encryptRsaPrivateKey(root.keys.privateKey, 'secret', {
      legacy: true,
      algorithm: 'aes128',
    })
    expect(key).toContain('Proc-Type')
    const decoded = decodeCertificates(Buffer.from(root.certPem + key), 'input')
    expect(decoded.privateKey).toBe(true)
    expect(decoded.certificates.map((c) => c.der)).toEqual([root.der])
  })

  it('a key file alone is refused as a key file, without its content in the message', () => {
    const error = refusal(Buffer.from(root.keyPem))
    expect(error.code).toBe('INTAKE_NOT_A_CERTIFICATE')
    expect(error.message).toContain('found only PRIVATE KEY')
    expect(error.fix).toContain('key file')
    expect(error.message).not.toContain(root.keyPem.split('\n')[1])
  })

  it('a DER private key is refused as a private key', () => {
    const der = Buffer.from(
      forge.asn1.toDer(forge.pki.privateKeyToAsn1(root.keys.privateKey)).getBytes(),
      'binary',
    )
    expect(refusal(der).message).toContain('is a private key in DER form')
  })

  it('a PKCS#12 archive is named as such, with the fix to export the certificate alone', () => {
    const p12 = forge.pkcs12.toPkcs12Asn1(root.keys.privateKey, [root.cert], 'secret', {algorithm: '3des'})
    const error = refusal(Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'))
    expect(error.code).toBe('INTAKE_PKCS12')
    expect(error.fix).toContain('without its key')
  })

  it('a certificate request is refused with a fix that says it is not a certificate', () => {
    const csr = forge.pki.createCertificationRequest()
    csr.publicKey = root.keys.publicKey
    csr.setSubject([{name: 'commonName', value: 'request'}])
    csr.sign(root.keys.privateKey)
    const error = refusal(Buffer.from(forge.pki.certificationRequestToPem(csr)))
    expect(error.message).toContain('found only CERTIFICATE REQUEST')
    expect(error.fix).toContain('not a certificate')
  })

  it('a PEM block without its END line is refused, naming the block and its line', () => {
    const cut = root.certPem + intermediate.certPem.replace('-----END CERTIFICATE-----\n', '')
    expect(refusal(Buffer.from(cut)).message).toMatch(/PEM block 2 \(CERTIFICATE, line \d+\) is not complete/)
  })

  it('a PEM block that ends with another label is refused', () => {
    const mixed = root.certPem.replace('END CERTIFICATE', 'END PKCS7')
    expect(refusal(Buffer.from(mixed)).message).toContain('begins as CERTIFICATE but ends as PKCS7')
  })

  it('a truncated DER certificate is refused as not valid DER', () => {
    const error = refusal(root.der.subarray(0, root.der.length - 10))
    expect(error.code).toBe('INTAKE_CORRUPT_DER')
    expect(error.message).toContain('is not valid DER')
  })

  it('a DER certificate followed by junk is refused, naming the byte where the junk starts', () => {
    const error = refusal(Buffer.concat([root.der, Buffer.from([1, 2, 3])]))
    expect(error.message).toContain(`byte ${root.der.length}`)
  })

  it('a PKCS#7 bundle with no certificate is refused', () => {
    const empty = Buffer.from(forge.asn1.toDer(forge.pkcs7.createSignedData().toAsn1()).getBytes(), 'binary')
    expect(refusal(empty).code).toBe('INTAKE_CORRUPT_PKCS7')
  })

  it('an HTML page and JSON are named for what they are', () => {
    expect(refusal(Buffer.from('<!DOCTYPE html><html><title>Sign in</title></html>')).message).toContain(
      'an HTML page',
    )
    expect(refusal(Buffer.from('{"certificate": null}')).message).toContain('found JSON')
  })

  it('base64 without PEM lines is refused with a message that says the lines are missing', () => {
    expect(refusal(Buffer.from(root.der.toString('base64'))).message).toContain(
      'base64 text without -----BEGIN',
    )
  })
})

/** Re-encodes the outer `levels` of constructed elements with BER indefinite lengths, as streaming writers do. */
function indefinite(der: Buffer, levels: number): Buffer {
  const parts = children(der, readTlv(der, 0)).map((child) => {
    const bytes = der.subarray(child.start, child.end)
    return levels > 1 && (bytes[0] & 0x20) !== 0 ? indefinite(bytes, levels - 1) : bytes
  })
  return Buffer.concat([Buffer.from([der[0], 0x80]), ...parts, Buffer.from([0, 0])])
}

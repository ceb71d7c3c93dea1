import forge from 'node-forge'

import {type Issued} from '../../src/demo/pki.js'

/** A certificates-only PKCS#7 (.p7b) as Windows exports it: DER, or PEM with the PKCS7 label. */
export function pkcs7Of(certs: Issued[], form: 'der' | 'pem' = 'der'): Buffer {
  const p7 = forge.pkcs7.createSignedData()
  for (const issued of certs) p7.addCertificate(issued.cert)
  const der = Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary')
  if (form === 'der') return der
  const body = der.toString('base64').replaceAll(/.{1,64}/g, '$&\n')
  return Buffer.from(`-----BEGIN PKCS7-----\n${body}-----END PKCS7-----\n`)
}

/** Text in UTF-16 with a BOM, as Windows PowerShell `>` writes it. */
export function utf16(text: string, order: 'be' | 'le', bom = true): Buffer {
  const le = Buffer.from(text, 'utf16le')
  const body = order === 'le' ? le : Buffer.from(le).swap16()
  if (!bom) return body
  return Buffer.concat([Buffer.from(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), body])
}

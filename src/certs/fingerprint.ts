import {createHash} from 'node:crypto'

import {DevCertsError} from '../system/errors.js'

/** A SHA-256 certificate fingerprint in canonical form: upper-case hex pairs joined by colons. */
export type Fingerprint = string & {readonly __brand: 'Fingerprint'}

export function fingerprintOf(der: Uint8Array): Fingerprint {
  return formatHex(createHash('sha256').update(der).digest('hex'))
}

/** SHA-1 of the DER, as macOS `security -Z` and Windows thumbprints want it (plain upper-case hex). */
export function sha1Of(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase()
}

export function showFingerprint(fp: Fingerprint): string {
  return `SHA256:${fp}`
}

/**
 * Reads a pin as teams write it: `SHA256:AB:CD:…`, `sha256/abcd…`, plain or colon hex, any case.
 * Returns an error string (not a throw) so config validation can name the key it came from.
 */
export function parsePin(input: string): Fingerprint | {error: string} {
  const text = input.trim()
  const prefixed = /^(sha-?256|sha-?1)\s*[:/=]\s*(.*)$/i.exec(text)
  const algorithm = prefixed?.[1].toLowerCase().replace('-', '')
  const hex = (prefixed ? prefixed[2] : text).replaceAll(/[:\s]/g, '')
  if (!/^[0-9a-f]*$/i.test(hex)) {
    return {error: `"${input}" is not a hex fingerprint (expected 64 hex digits, colons allowed).`}
  }

  if (algorithm === 'sha1' || hex.length === 40) {
    return {
      error:
        `"${input}" looks like a SHA-1 fingerprint; SHA-1 pins are not accepted. ` +
        'Use the SHA-256 fingerprint (`dev certs inspect SOURCE` prints it, or ' +
        '`openssl x509 -noout -fingerprint -sha256 -in ca.pem`).',
    }
  }

  if (hex.length !== 64) {
    return {error: `"${input}" has ${hex.length} hex digits; a SHA-256 fingerprint has 64.`}
  }

  return formatHex(hex)
}

export function parsePinOrThrow(input: string, where: string): Fingerprint {
  const pin = parsePin(input)
  if (typeof pin === 'string') return pin
  throw new DevCertsError('BAD_PIN', `${where}: ${pin.error}`, {
    fix: 'Write the pin as SHA256:AB:CD:… (64 hex digits).',
  })
}

function formatHex(hex: string): Fingerprint {
  const upper = hex.toUpperCase()
  let text = upper.slice(0, 2)
  for (let i = 2; i < upper.length; i += 2) text += `:${upper.slice(i, i + 2)}`
  return text as Fingerprint
}

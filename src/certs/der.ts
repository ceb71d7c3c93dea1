/** A minimal DER reader: enough to walk X.509 and PKCS#7 structures without a JS crypto library. */
export interface Tlv {
  /** Offset of the tag byte in the buffer. */
  start: number
  /** Offset of the first content byte. */
  contentStart: number
  end: number
  tag: number
}

export class DerError extends Error {}

export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError(`truncated DER at byte ${offset}`)
  const tag = buf[offset]
  if ((tag & 0x1f) === 0x1f) throw new DerError(`unsupported multi-byte DER tag at byte ${offset}`)
  let length = buf[offset + 1]
  let contentStart = offset + 2
  if (length & 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 4) throw new DerError(`unsupported DER length form at byte ${offset}`)
    if (contentStart + count > limit) throw new DerError(`truncated DER length at byte ${offset}`)
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + buf[contentStart + i]
    contentStart += count
  }

  const end = contentStart + length
  if (end > limit) throw new DerError(`DER element at byte ${offset} runs past the end of its container`)
  return {contentStart, end, start: offset, tag}
}

export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = []
  for (let at = parent.contentStart; at < parent.end;) {
    const child = readTlv(buf, at, parent.end)
    out.push(child)
    at = child.end
  }

  return out
}

export function decodeOid(buf: Uint8Array, tlv: Tlv): string {
  const bytes = buf.subarray(tlv.contentStart, tlv.end)
  if (bytes.length === 0) throw new DerError('empty OID')
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40]
  let value = 0
  for (let i = 1; i < bytes.length; i++) {
    value = value * 128 + (bytes[i] & 0x7f)
    if (!(bytes[i] & 0x80)) {
      parts.push(value)
      value = 0
    }
  }

  return parts.join('.')
}

export const TAG = {
  BIT_STRING: 0x03,
  BOOLEAN: 0x01,
  CONTEXT_0: 0xa0,
  CONTEXT_3: 0xa3,
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const

const MAX_DEPTH = 32

/**
 * Rewrites BER indefinite lengths (0x80 … 00 00), which streaming PKCS#7 writers use for the outer layers, as
 * definite DER lengths. Elements with a definite length are copied byte for byte, so a certificate inside is
 * never altered and keeps its fingerprint.
 */
export function definiteLengths(buf: Uint8Array): Buffer {
  const {bytes, end} = rewrite(buf, 0, buf.length, 0)
  if (end !== buf.length) throw new DerError(`${buf.length - end} stray bytes after the BER structure`)
  return bytes
}

function rewrite(
  buf: Uint8Array,
  offset: number,
  limit: number,
  depth: number,
): {bytes: Buffer; end: number} {
  if (depth > MAX_DEPTH) throw new DerError(`BER nested deeper than ${MAX_DEPTH} levels at byte ${offset}`)
  if (offset + 2 > limit) throw new DerError(`truncated BER at byte ${offset}`)
  const tag = buf[offset]
  if (buf[offset + 1] !== 0x80) {
    const tlv = readTlv(buf, offset, limit)
    return {bytes: Buffer.from(buf.subarray(tlv.start, tlv.end)), end: tlv.end}
  }

  if ((tag & 0x20) === 0 || (tag & 0x1f) === 0x1f) {
    throw new DerError(`indefinite length on an unsupported element at byte ${offset}`)
  }

  const parts: Buffer[] = []
  let at = offset + 2
  for (;;) {
    if (at + 2 > limit) throw new DerError(`BER element at byte ${offset} has no end-of-contents marker`)
    if (buf[at] === 0 && buf[at + 1] === 0) break
    const child = rewrite(buf, at, limit, depth + 1)
    parts.push(child.bytes)
    at = child.end
  }

  const content = Buffer.concat(parts)
  return {bytes: Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]), end: at + 2}
}

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const digits: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) digits.unshift(rest % 256)
  return Buffer.from([0x80 | digits.length, ...digits])
}

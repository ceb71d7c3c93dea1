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

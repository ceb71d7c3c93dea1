/** How the bytes of an input were read as text; named in messages so a UTF-16 file is never a mystery. */
export type TextEncoding = 'utf-8' | 'utf-8 with BOM' | 'utf-16le' | 'utf-16be'

export interface DecodedText {
  encoding: TextEncoding
  text: string
}

/**
 * Reads bytes as text when they are text. UTF-16 is taken from its BOM; without a BOM it is accepted only
 * when it decodes to PEM armour, so binary DER is never mistaken for text.
 */
export function readText(buf: Buffer): DecodedText | undefined {
  if (buf[0] === 0xff && buf[1] === 0xfe) return {encoding: 'utf-16le', text: utf16(buf.subarray(2), 'le')}
  if (buf[0] === 0xfe && buf[1] === 0xff) return {encoding: 'utf-16be', text: utf16(buf.subarray(2), 'be')}
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return {encoding: 'utf-8 with BOM', text: buf.subarray(3).toString('utf8')}
  }

  if (!buf.subarray(0, 4096).includes(0)) return {encoding: 'utf-8', text: buf.toString('utf8')}
  for (const order of ['le', 'be'] as const) {
    const text = utf16(buf, order)
    if (text.includes('-----BEGIN ')) return {encoding: order === 'le' ? 'utf-16le' : 'utf-16be', text}
  }

  return undefined
}

function utf16(buf: Buffer, order: 'be' | 'le'): string {
  const even = buf.subarray(0, buf.length - (buf.length % 2))
  return order === 'le' ? even.toString('utf16le') : Buffer.from(even).swap16().toString('utf16le')
}

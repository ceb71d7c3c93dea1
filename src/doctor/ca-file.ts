import {readFile, stat} from 'node:fs/promises'

import {children, readTlv, TAG} from '../certs/der.js'
import {type Fingerprint, fingerprintOf} from '../certs/fingerprint.js'

/** A CA file as a client would load it: what is in it, or why a client would load nothing from it. */
export type CaFile =
  | {exists: false; path: string}
  | {error: string; exists: true; path: string}
  | {exists: true; fingerprints: Set<Fingerprint>; mode: number; path: string; uid: number}

const MAX_BYTES = 8 * 1024 * 1024
const BLOCK = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g

/**
 * Reads a CA file strictly, the way the strictest client does: Python refuses the whole file for one bad
 * block, and Node silently loads nothing from DER, UTF-16 or an empty file, so each of those is an error
 * here.
 */
export async function readCaFile(path: string): Promise<CaFile> {
  const info = await stat(path).catch(() => undefined)
  if (!info) return {exists: false, path}
  if (info.isDirectory()) return {error: 'it is a directory, not a file', exists: true, path}
  if (info.size > MAX_BYTES)
    return {error: `it is ${info.size} bytes, too large for a CA file`, exists: true, path}
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => error)
  if (bytes instanceof Error) return {error: `it cannot be read (${bytes.code})`, exists: true, path}
  const problem = encodingProblem(bytes)
  if (problem) return {error: problem, exists: true, path}
  const text = bytes.toString('latin1').replaceAll('\r', '')
  const begins = text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0
  const fingerprints = new Set<Fingerprint>()
  let index = 0
  for (const match of text.matchAll(BLOCK)) {
    index++
    const der = Buffer.from(match[1].replaceAll(/\s/g, ''), 'base64')
    if (!wellFormed(der)) {
      const error = `certificate block ${index} is corrupt (Python then rejects the whole file)`
      return {error, exists: true, path}
    }

    fingerprints.add(fingerprintOf(der))
  }

  if (begins > index) return {error: `certificate block ${index + 1} has no END line`, exists: true, path}
  if (index === 0) return {error: 'it holds no PEM certificate', exists: true, path}
  return {exists: true, fingerprints, mode: info.mode & 0o7777, path, uid: info.uid}
}

/**
 * The outer shape of a certificate (a SEQUENCE of exactly tbs, algorithm, signature, filling the block).
 * Cheap enough for a 150-root bundle on every run; it catches the truncated and mangled blocks of the field.
 */
function wellFormed(der: Buffer): boolean {
  try {
    const outer = readTlv(der, 0)
    return outer.tag === TAG.SEQUENCE && outer.end === der.length && children(der, outer).length === 3
  } catch {
    return false
  }
}

function encodingProblem(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return 'it is empty'
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return 'it is UTF-16: Node loads nothing from it, silently, and Python refuses it'
  }

  if (bytes[0] === 0x30 && !bytes.includes('-----BEGIN')) {
    return 'it is DER, not PEM: Node loads nothing from it, silently, and Python refuses it'
  }

  return undefined
}

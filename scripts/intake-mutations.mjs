// Input generation for fuzzing the certificate reader: seeds from the field cases and fresh PKI, and
// mutations that keep enough structure (PEM armour, DER framing) to reach the deep parsing code.
import {Buffer} from 'node:buffer'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function random(seed) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  const int = (n) => Math.floor(next() * n)
  return {int, pick: (list) => list[int(list.length)], next}
}

/** Every file under the shared certificate cases (which sit beside the repository). */
export function caseSeeds(dir) {
  const seeds = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) seeds.push(...caseSeeds(path))
    else if (!name.endsWith('.txt') || name === 'not-a-cert.txt') seeds.push(readFileSync(path))
  }

  return seeds
}

const INTERESTING = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x30, 0x31, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xa0, 0xa3, 0xff,
]
const LABELS = ['CERTIFICATE', 'PKCS7', 'TRUSTED CERTIFICATE', 'PRIVATE KEY', 'X509 CRL', 'CMS', 'FOO']

/** One mutated input from the seeds. */
export function mutate(rng, seeds) {
  const seed = rng.pick(seeds)
  const strategy = rng.int(13)
  switch (strategy) {
    case 0:
      return flipBits(rng, seed)
    case 1:
      return setBytes(rng, seed)
    case 2:
      return insertBytes(rng, seed)
    case 3:
      return seed.subarray(0, rng.int(seed.length + 1))
    case 4:
      return deleteRange(rng, seed)
    case 5:
      return Buffer.concat([seed.subarray(0, rng.int(seed.length)), rng.pick(seeds).subarray(rng.int(64))])
    case 6:
      return randomBytes(rng, rng.int(rng.int(2) ? 64 : 2048))
    case 7:
      return rearmour(rng, mutateDer(rng, derOf(seed)))
    case 8:
      return mutateDer(rng, derOf(seed))
    case 9:
      return randomPem(rng, seeds)
    case 10:
      return reencode(rng, mutateDer(rng, derOf(seed)))
    case 11:
      return rng.int(2) ? asBer(derOf(seed)) : mutateDer(rng, asBer(derOf(seed)))
    default:
      return mutate(rng, [flipBits(rng, seed)])
  }
}

function flipBits(rng, seed) {
  const out = Buffer.from(seed)
  for (let n = 1 + rng.int(8); n > 0 && out.length > 0; n--) out[rng.int(out.length)] ^= 1 << rng.int(8)
  return out
}

function setBytes(rng, seed) {
  const out = Buffer.from(seed)
  for (let n = 1 + rng.int(4); n > 0 && out.length > 0; n--) out[rng.int(out.length)] = rng.pick(INTERESTING)
  return out
}

function insertBytes(rng, seed) {
  const at = rng.int(seed.length + 1)
  return Buffer.concat([seed.subarray(0, at), randomBytes(rng, 1 + rng.int(16)), seed.subarray(at)])
}

function deleteRange(rng, seed) {
  const at = rng.int(seed.length + 1)
  return Buffer.concat([seed.subarray(0, at), seed.subarray(at + 1 + rng.int(32))])
}

function randomBytes(rng, length) {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) out[i] = rng.int(256)
  return out
}

/** The DER inside a PEM seed (first block), or the seed itself. */
function derOf(seed) {
  const match = /-----BEGIN [A-Z0-9 #]+-----([\s\S]*?)-----END/.exec(seed.toString('latin1'))
  return match ? Buffer.from(match[1].replaceAll(/[^A-Za-z0-9+/=]/g, ''), 'base64') : seed
}

/** Mutates DER where it hurts: a length byte, a tag, or a value byte inside. */
function mutateDer(rng, der) {
  const out = Buffer.from(der)
  if (out.length < 4) return out
  const at = rng.int(out.length - 1)
  switch (rng.int(4)) {
    case 0:
      out[at + 1] = rng.pick(INTERESTING)
      break
    case 1:
      out[at] = rng.pick([0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x18, 0x30, 0x31, 0xa0, 0xa3, 0x1f])
      break
    case 2:
      out[at] = rng.int(256)
      break
    default:
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + rng.int(8))])
  }

  return out
}

/** The outer element re-encoded with a BER indefinite length, as streaming PKCS#7 writers do. */
function asBer(der) {
  if (der.length < 2 || der[0] !== 0x30) return der
  const count = der[1] & 0x80 ? der[1] & 0x7f : 0
  return Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(2 + count), Buffer.from([0, 0])])
}

function rearmour(rng, der) {
  const body = der.toString('base64').replaceAll(/.{1,64}/g, '$&\n')
  const label = rng.pick(LABELS)
  const eol = rng.int(3) === 0 ? '\r\n' : '\n'
  return Buffer.from(`-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`.replaceAll('\n', eol))
}

/** The same text in another encoding: UTF-8 BOM, UTF-16 with or without BOM. */
function reencode(rng, der) {
  const text = rearmour(rng, der).toString('latin1')
  const le = Buffer.from(text, 'utf16le')
  switch (rng.int(4)) {
    case 0:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])
    case 1:
      return Buffer.concat([Buffer.from([0xff, 0xfe]), le])
    case 2:
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()])
    default:
      return le
  }
}

/** PEM-looking text with random structure: missing END lines, stray markers, headers, junk between blocks. */
function randomPem(rng, seeds) {
  const parts = []
  for (let n = 1 + rng.int(4); n > 0; n--) {
    const label = rng.pick(LABELS)
    const body = derOf(rng.pick(seeds)).toString('base64')
    const cut = rng.int(4) === 0 ? body.slice(0, rng.int(body.length)) : body
    parts.push(rng.int(5) === 0 ? 'junk: here\n' : '', `-----BEGIN ${label}-----\n`)
    if (rng.int(6) === 0) parts.push('Proc-Type: 4,ENCRYPTED\n\n')
    parts.push(cut.replaceAll(/.{1,64}/g, '$&\n'))
    if (rng.int(6) !== 0) parts.push(`-----END ${rng.int(8) === 0 ? rng.pick(LABELS) : label}-----\n`)
  }

  return Buffer.from(parts.join(''))
}

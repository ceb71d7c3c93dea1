import {readFile} from 'node:fs/promises'

import {type Fingerprint, fingerprintOf} from '../certs/fingerprint.js'
import {logger} from '../system/log.js'

const log = logger('bundle')

/** Where each family keeps its extracted PEM bundle, most common first (the list Go also uses). */
export const OS_BUNDLE_PATHS = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
]

export interface RootSet {
  /** One PEM block per root, normalised to LF. */
  blocks: string[]
  fingerprints: Fingerprint[]
  /** The file they came from, or "node:tls" for Node's bundled Mozilla roots. */
  origin: string
}

/** The public roots for the combined bundle: the OS bundle where there is one, else Node's Mozilla copy. */
export async function readOsRoots(env: NodeJS.ProcessEnv = process.env): Promise<RootSet> {
  const candidates = env.DEV_CERTS_OS_BUNDLE ? [env.DEV_CERTS_OS_BUNDLE] : OS_BUNDLE_PATHS
  for (const path of candidates) {
    const text = await readFile(path, 'utf8').catch(() => undefined)
    if (!text) continue
    const roots = unique(splitPem(text))
    if (roots.blocks.length === 0) continue
    log('public roots: %d from %s', roots.blocks.length, path)
    return {...roots, origin: path}
  }

  // Loaded here only: importing node:tls builds Node's ~150 roots and its TLS code on every setup.
  const {rootCertificates} = await import('node:tls')
  log('public roots: no OS bundle, using %d roots bundled with Node', rootCertificates.length)
  return {...unique(rootCertificates.map((pem) => normalise(pem))), origin: 'node:tls'}
}

/** Drops repeated roots: some tools append a CA to the OS bundle again and again. */
function unique(blocks: string[]): Omit<RootSet, 'origin'> {
  const seen = new Map<Fingerprint, string>()
  for (const block of blocks) {
    const print = pemFingerprint(block)
    if (!seen.has(print)) seen.set(print, block)
  }

  return {blocks: [...seen.values()], fingerprints: [...seen.keys()]}
}

export function splitPem(text: string): string[] {
  const blocks = text.replaceAll('\r', '').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)
  return (blocks ?? []).map((block) => normalise(block))
}

const BEGIN = '-----BEGIN CERTIFICATE-----'

/** The fingerprint of one PEM block from splitPem. It runs for every root of a bundle, so it copies little. */
export function pemFingerprint(block: string): Fingerprint {
  const start = block.indexOf(BEGIN) + BEGIN.length
  const end = block.indexOf('-----END CERTIFICATE-----', start)
  // Node's base64 decoder skips the line breaks (documented for Buffer.from), so the body is not rebuilt.
  return fingerprintOf(Buffer.from(block.slice(start, end), 'base64'))
}

function normalise(block: string): string {
  return block.trim().replaceAll('\r', '') + '\n'
}

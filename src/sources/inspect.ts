import {basename, extname} from 'node:path'

import {type AnchorChoice, chooseAnchors} from '../certs/anchor.js'
import {type Certificate} from '../certs/certificate.js'
import {showFingerprint} from '../certs/fingerprint.js'
import {IntakeError} from '../certs/intake-error.js'
import {parseSourceArgument} from '../config/parse.js'
import {type SourceSpec} from '../config/team-config.js'
import {readSource} from './read.js'
import {type SourceOptions} from './source.js'

export type Role = 'anchor' | 'ignored' | 'intermediate' | 'leaf'

/** One certificate as `inspect` shows it; the shape of `--json` (documented in the README). */
export interface InspectedCertificate {
  ca: boolean
  fingerprint: string
  issuer: string
  key: string
  notAfter: string
  notBefore: string
  role: Role
  selfSigned: boolean
  subject: string
}

/** A ready-to-paste entry for the "authorities" list of .devcerts.json. */
export interface AuthorityEntry {
  fingerprints: string[]
  hosts?: string[]
  name: string
  source: string
}

export interface Inspection {
  certificates: InspectedCertificate[]
  entry?: AuthorityEntry
  origin: string
  /** Why no anchor could be chosen; there is no entry then. */
  problem?: {code: string; fix?: string; message: string}
  privateKey: boolean
  source: string
  trail: string[]
  warnings: string[]
}

/**
 * Reads a source with no pin and says what intake would make of it: the chain, the anchor, and the config
 * entry that pins it. Installs nothing; this is how a team lead writes the config.
 */
export async function inspectSource(
  argument: string,
  cwd: string,
  options: SourceOptions = {},
): Promise<Inspection> {
  const text = /^(file:|env:|tls:\/\/|https?:\/\/)/.test(argument) ? argument : `file:${argument}`
  const source = parseSourceArgument(text, cwd)
  const reading = await readSource(source, [], options)
  const hosts = source.kind === 'tls' ? [source.host] : []
  let choice: AnchorChoice | undefined
  let problem: Inspection['problem']
  try {
    choice = chooseAnchors(reading.certificates, [], reading.origin, {hosts})
  } catch (error) {
    if (!(error instanceof IntakeError)) throw error
    problem = {code: error.code, fix: error.fix, message: error.message}
  }

  const certificates = reading.certificates.map((cert) => inspected(cert, choice))
  return {
    certificates,
    entry: choice ? entryFor(source, choice) : undefined,
    origin: reading.origin,
    privateKey: reading.privateKey,
    problem,
    source: text,
    trail: reading.trail,
    warnings: choice?.warnings ?? [],
  }
}

function inspected(cert: Certificate, choice: AnchorChoice | undefined): InspectedCertificate {
  let role: Role = cert.isCa ? 'ignored' : 'leaf'
  if (choice?.anchors.includes(cert)) role = 'anchor'
  else if (choice?.intermediates.includes(cert)) role = 'intermediate'
  return {
    ca: cert.isCa,
    fingerprint: showFingerprint(cert.fingerprint),
    issuer: cert.issuer,
    key: `${cert.keyType.toUpperCase()}${cert.keyBits ? ` ${cert.keyBits}` : ''}`,
    notAfter: cert.notAfter.toISOString(),
    notBefore: cert.notBefore.toISOString(),
    role,
    selfSigned: cert.selfSigned,
    subject: cert.subject,
  }
}

function entryFor(source: SourceSpec, choice: AnchorChoice): AuthorityEntry {
  // Key order as a person writes the entry: name, source, then the pins.
  const entry: AuthorityEntry = {
    name: nameFor(source),
    source: source.text,
    fingerprints: choice.anchors.map((cert) => showFingerprint(cert.fingerprint)),
  }
  if (source.kind === 'tls') {
    const host = source.host.includes(':') ? `[${source.host}]` : source.host
    entry.hosts = [`https://${host}${source.port === 443 ? '' : `:${source.port}`}/`]
  }

  return entry
}

/** A name that passes the config's rule (letters, digits, ".", "_", "-"), taken from the source. */
function nameFor(source: SourceSpec): string {
  const raw = {
    env: source.kind === 'env' && source.name.toLowerCase(),
    file: source.kind === 'file' && basename(source.path, extname(source.path)),
    tls: source.kind === 'tls' && source.host,
    url: source.kind === 'url' && source.url.hostname,
  }[source.kind]
  const name = (raw || '').replaceAll(/[^A-Za-z0-9._-]+/g, '-').replaceAll(/^[-.]+|[-.]+$/g, '')
  return name || 'team-ca'
}

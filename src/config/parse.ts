import {isIP} from 'node:net'
import {dirname, isAbsolute, relative, resolve} from 'node:path'

import {type Fingerprint, parsePin} from '../certs/fingerprint.js'
import {ConfigError, suggest} from './config-error.js'
import {findPosition, type KeyMap, mapKeys, positionOf} from './json-position.js'
import {
  type AuthorityConfig,
  isNetworkSource,
  type SourceSpec,
  STORE_NAMES,
  type SystemConfig,
  type TeamConfig,
  TOOL_IDS,
  type ToolId,
} from './team-config.js'

const TOP_KEYS = ['$schema', 'authorities', 'configure', 'env', 'system'] as const
const AUTHORITY_KEYS = ['name', 'source', 'fingerprints', 'hosts'] as const
const ENV_KEYS = ['file'] as const
const SYSTEM_KEYS = ['store', 'browsers', 'java'] as const
const NAME = /^[A-Za-z0-9._-]+$/
const SOURCE_FIX = 'Sources look like file:certs/ca.pem, tls://gateway:443, https://pki/ca.crt, env:TEAM_CA.'

/** The config being read: its file, its directory, and where each key sits, so errors can point at it. */
interface Context {
  dir: string
  fail(where: string, message: string, fix?: string): ConfigError
  path: string
}

/** Parses and validates the text of a team config. Every error names the file, line, column, key and fix. */
export function parseTeamConfig(text: string, path: string): TeamConfig {
  const body = text.replace(/^\uFEFF/, '')
  const raw = parseJson(body, path)
  const keys = mapKeys(body)
  const ctx = context(path, keys)
  if (keys.duplicates.length > 0) {
    const [key] = keys.duplicates
    throw ctx.fail(
      key,
      `the key "${key.replace(/^.*\./, '')}" is written twice; JSON keeps only the last one.`,
    )
  }

  if (!isObject(raw)) throw ctx.fail('', 'the top level must be a JSON object with an "authorities" list.')
  checkKeys(raw, TOP_KEYS, '', ctx)
  if (!Array.isArray(raw.authorities) || raw.authorities.length === 0) {
    throw ctx.fail(
      'authorities',
      'expected a non-empty list of authorities.',
      'See the README for an example config.',
    )
  }

  const authorities = raw.authorities.map((entry, i) => parseAuthority(entry, `authorities[${i}]`, ctx))
  const names = new Set<string>()
  for (const [i, authority] of authorities.entries()) {
    if (names.has(authority.name)) {
      throw ctx.fail(`authorities[${i}].name`, `the name "${authority.name}" is used twice.`)
    }

    names.add(authority.name)
  }

  let envFile = resolve(ctx.dir, '.env')
  if (raw.env !== undefined) {
    if (!isObject(raw.env)) throw ctx.fail('env', 'expected an object such as {"file": ".env"}.')
    checkKeys(raw.env, ENV_KEYS, 'env', ctx)
    if (raw.env.file !== undefined) {
      if (typeof raw.env.file !== 'string' || !raw.env.file.trim() || raw.env.file.includes('\0')) {
        throw ctx.fail('env.file', 'expected a file path such as ".env".')
      }

      envFile = resolve(ctx.dir, raw.env.file)
      // A cloned repo must not choose where setup writes: only a file inside the project, and not this config.
      const inside = relative(ctx.dir, envFile)
      if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
        throw ctx.fail(
          'env.file',
          `"${raw.env.file}" is outside the project (${ctx.dir}); setup writes only inside it.`,
          'Use a path inside the project, such as ".env" or "config/.env".',
        )
      }

      if (envFile === path) throw ctx.fail('env.file', 'points at .devcerts.json itself.', 'Use ".env".')
    }
  }

  const configure = raw.configure === undefined ? undefined : parseTools(raw.configure, ctx)
  const system = parseSystem(raw.system, ctx)
  return {authorities, configure, dir: ctx.dir, env: {file: envFile}, path, system}
}

function parseSystem(value: unknown, ctx: Context): SystemConfig | undefined {
  if (value === undefined) return undefined
  if (!isObject(value)) throw ctx.fail('system', 'expected an object such as {"store": "rhel"}.')
  checkKeys(value, SYSTEM_KEYS, 'system', ctx)
  const {browsers, java, store} = value
  if (store !== undefined && !STORE_NAMES.includes(store as never)) {
    throw ctx.fail(
      'system.store',
      `${JSON.stringify(store)} is not a trust store dev-certs knows.`,
      `Use one of: ${STORE_NAMES.join(', ')}.`,
    )
  }

  for (const [key, flag] of Object.entries({browsers, java})) {
    if (flag !== undefined && typeof flag !== 'boolean')
      throw ctx.fail(`system.${key}`, 'expected true or false.')
  }

  return {
    browsers: browsers as boolean | undefined,
    java: java as boolean | undefined,
    store: store as string,
  }
}

function parseTools(value: unknown, ctx: Context): ToolId[] {
  const list = Array.isArray(value) ? value : [value]
  return list.map((item, i) => {
    if (TOOL_IDS.includes(item as ToolId)) return item as ToolId
    throw ctx.fail(
      `configure[${i}]`,
      `${JSON.stringify(item)} is not a tool dev-certs configures.`,
      `Use any of: ${TOOL_IDS.join(', ')}.`,
    )
  })
}

/** Reads one source as written on the command line (`dev certs inspect`), relative to `dir`. */
export function parseSourceArgument(text: string, dir: string): SourceSpec {
  return parseSource(text, 'SOURCE', context('the command line', {duplicates: [], positions: new Map()}, dir))
}

function context(path: string, keys: KeyMap, dir = dirname(path)): Context {
  return {
    dir,
    fail: (where, message, fix) => new ConfigError(path, where, message, fix, findPosition(keys, where)),
    path,
  }
}

function parseAuthority(entry: unknown, where: string, ctx: Context): AuthorityConfig {
  const fail = (key: string, message: string, fix?: string) => ctx.fail(`${where}${key}`, message, fix)
  if (!isObject(entry)) throw fail('', 'expected an object with "name", "source" and "fingerprints".')
  checkKeys(entry, AUTHORITY_KEYS, where, ctx)
  if (typeof entry.name !== 'string' || !NAME.test(entry.name) || /^\.+$/.test(entry.name)) {
    throw fail(
      '.name',
      `${JSON.stringify(entry.name)} is not a valid name: use only letters, digits, ".", "_" and "-".`,
      'The name becomes a file name in the trust store, so it may not hold slashes, spaces or shell characters.',
    )
  }

  const rawSources = typeof entry.source === 'string' ? [entry.source] : entry.source
  if (
    !Array.isArray(rawSources) ||
    rawSources.length === 0 ||
    rawSources.some((s) => typeof s !== 'string')
  ) {
    throw fail(
      '.source',
      'expected a source string or a list of them (file:, tls://, https://, http://, env:).',
    )
  }

  const listed = rawSources.length > 1 || Array.isArray(entry.source)
  const sources = rawSources.map((text, i) =>
    parseSource(text as string, `${where}.source${listed ? `[${i}]` : ''}`, ctx),
  )
  const fingerprints = parsePins(entry.fingerprints, `${where}.fingerprints`, ctx)
  const network = sources.find((source) => isNetworkSource(source))
  if (network && fingerprints.length === 0) {
    throw fail(
      '.fingerprints',
      `the source "${network.text}" is fetched over the network, so at least one pinned SHA-256 fingerprint is required.`,
      `Run \`dev certs inspect ${network.text}\` from a trusted network, check the fingerprint with the team, ` +
        'and add it as "fingerprints": ["SHA256:…"].',
    )
  }

  return {fingerprints, hosts: parseHosts(entry.hosts, `${where}.hosts`, ctx), name: entry.name, sources}
}

function parseSource(text: string, where: string, ctx: Context): SourceSpec {
  const fail = (message: string) => ctx.fail(where, message, SOURCE_FIX)
  if (text.startsWith('file:')) {
    const file = text.slice('file:'.length)
    if (!file || file.includes('\0')) throw fail(`"${text}" has no file path.`)
    return {kind: 'file', path: isAbsolute(file) ? file : resolve(ctx.dir, file), text}
  }

  if (text.startsWith('env:')) {
    const name = text.slice('env:'.length)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw fail(`"${text}" does not name an environment variable.`)
    return {kind: 'env', name, text}
  }

  if (text.startsWith('tls://')) {
    const url = safeUrl(text.replace(/^tls:/, 'https:'))
    if (!url || url.pathname.length > 1 || url.search || url.username) {
      throw fail(`"${text}" is not tls://host[:port].`)
    }

    const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
    return {host, kind: 'tls', port: url.port ? Number(url.port) : 443, text}
  }

  if (text.startsWith('https://') || text.startsWith('http://')) {
    const url = safeUrl(text)
    if (!url) throw fail(`"${text}" is not a valid URL.`)
    return {kind: 'url', text, url}
  }

  throw fail(`"${text}" is not a known source kind.`)
}

function parsePins(value: unknown, where: string, ctx: Context): Fingerprint[] {
  if (value === undefined) return []
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list)) throw ctx.fail(where, 'expected a list of SHA-256 fingerprints.')
  return list.map((item, i) => {
    const pin =
      typeof item === 'string' ? parsePin(item) : {error: `${JSON.stringify(item)} is not a string.`}
    if (typeof pin === 'string') return pin
    const at = typeof value === 'string' ? where : `${where}[${i}]`
    throw ctx.fail(at, pin.error, 'Pins are SHA-256: "SHA256:AB:CD:…" (64 hex digits).')
  })
}

function parseHosts(value: unknown, where: string, ctx: Context): URL[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) {
    throw ctx.fail(where, 'expected a list of URLs such as "https://gateway.example/".')
  }

  return value.map((item, i) => {
    const url =
      typeof item === 'string' ? safeUrl(item.includes('://') ? item : `https://${item}/`) : undefined
    if (!url || url.protocol !== 'https:') {
      throw ctx.fail(`${where}[${i}]`, `${JSON.stringify(item)} is not an https:// URL or host name.`)
    }

    if (isIP(url.hostname.replace(/^\[(.*)\]$/, '$1')) === 0 && !/^[A-Za-z0-9.-]+$/.test(url.hostname)) {
      throw ctx.fail(`${where}[${i}]`, `"${url.hostname}" is not a valid host name.`)
    }

    return url
  })
}

function checkKeys(
  object: Record<string, unknown>,
  known: readonly string[],
  where: string,
  ctx: Context,
): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue
    const guess = suggest(key, known)
    throw ctx.fail(
      where ? `${where}.${key}` : key,
      `unknown key "${key}"${guess ? `; did you mean "${guess}"?` : '.'}`,
      `Known keys here: ${known.filter((k) => k !== '$schema').join(', ')}.`,
    )
  }
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    const offset = Number(/position (\d+)/.exec(message)?.[1] ?? NaN)
    const after = mapKeys(text).last
    if (Number.isNaN(offset)) {
      // "Unexpected end of JSON input" carries no position: the text stops short, so point at its end.
      const reason = `invalid JSON: ${message.replace(/\.$/, '')}.`
      throw new ConfigError(path, after ?? '', reason, 'Fix the JSON syntax.', positionOf(text, text.length))
    }

    // V8 reports the character after a trailing comma; point at the comma, which is what to delete.
    const comma = /,\s*$/.exec(text.slice(0, offset))
    if (comma && /[}\]]/.test(text[offset])) {
      throw new ConfigError(
        path,
        after ?? '',
        'invalid JSON: a trailing comma after the last item.',
        'JSON allows no comma before } or ]; delete it.',
        positionOf(text, comma.index),
      )
    }

    const reason = message.replace(/ in JSON at position \d+.*/, '').replace(/\.$/, '')
    throw new ConfigError(path, after ?? '', `invalid JSON: ${reason}.`, 'Fix the JSON syntax.', {
      ...positionOf(text, Math.min(offset, text.length)),
    })
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

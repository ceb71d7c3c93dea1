import {readFileSync} from 'node:fs'

import {logger} from './log.js'

const log = logger('platform')

export interface OsRelease {
  id: string
  idLike: string[]
  prettyName: string
}

/** Parses /etc/os-release (or the file at DEV_CERTS_OS_RELEASE, which tests use to simulate a family). */
export function readOsRelease(
  path = process.env.DEV_CERTS_OS_RELEASE || '/etc/os-release',
): OsRelease | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    log('no os-release at %s', path)
    return undefined
  }

  const fields = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (match) fields.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'))
  }

  const release = {
    id: (fields.get('ID') ?? '').toLowerCase(),
    idLike: (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    prettyName: fields.get('PRETTY_NAME') ?? fields.get('NAME') ?? 'unknown Linux',
  }
  log('os-release %s: ID=%s ID_LIKE=%s', path, release.id, release.idLike.join(' '))
  return release
}

export function isRoot(): boolean {
  return process.getuid?.() === 0
}

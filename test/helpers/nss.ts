import {execa} from 'execa'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {bundlePrints} from './pinned-project.js'

/** An empty NSS database (cert9.db, "sql:"), as Firefox or Chromium creates one on first start. */
export async function makeNssDb(dir: string): Promise<string> {
  await mkdir(dir, {recursive: true})
  await execa('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password'])
  return dir
}

/** Nickname → trust flags, as `certutil -L` lists them. */
export async function nssEntries(db: string): Promise<Map<string, string>> {
  const {stdout} = await execa('certutil', ['-L', '-d', `sql:${db}`])
  const entries = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    const match = /^(.+?)\s+(\w*,\w*,\w*)\s*$/.exec(line)
    if (match) entries.set(match[1], match[2])
  }

  return entries
}

/** The fingerprints of the certificates under a nickname. */
export async function nssPrints(db: string, nickname: string): Promise<Set<string>> {
  const {stdout} = await execa('certutil', ['-L', '-d', `sql:${db}`, '-n', nickname, '-a'])
  return bundlePrints(stdout)
}

export async function addToNss(db: string, nickname: string, pem: string): Promise<void> {
  await writeFile(join(db, 'import.pem'), pem)
  await execa('certutil', [
    '-A',
    '-t',
    'C,,',
    '-n',
    nickname,
    '-d',
    `sql:${db}`,
    '-i',
    join(db, 'import.pem'),
  ])
}

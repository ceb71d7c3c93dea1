import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {pemFingerprint, splitPem} from '../../src/bundle/os-roots.js'
import {type Issued, pinOf} from './pki.js'

/** A project whose .devcerts.json pins each CA, read from a PEM file in the repo. */
export async function makePinnedProject(
  dir: string,
  authorities: Record<string, Issued>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  await mkdir(join(dir, 'certs'), {recursive: true})
  const entries = []
  for (const [name, issued] of Object.entries(authorities)) {
    await writeFile(join(dir, 'certs', `${name}.pem`), issued.certPem)
    entries.push({fingerprints: [pinOf(issued.der)], name, source: `file:certs/${name}.pem`})
  }

  await writeFile(join(dir, '.devcerts.json'), JSON.stringify({authorities: entries, ...extra}, null, 2))
  return dir
}

/** Colon-hex SHA-256, the form the stores compare. */
export function fingerprint(issued: Issued): string {
  return pinOf(issued.der).replace('SHA256:', '').match(/../g)!.join(':')
}

/** The fingerprints of every certificate in a PEM bundle. */
export function bundlePrints(text: string): Set<string> {
  return new Set<string>(splitPem(text).map((block) => pemFingerprint(block)))
}

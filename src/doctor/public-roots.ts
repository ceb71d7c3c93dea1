import {createHash} from 'node:crypto'

import {type Fingerprint} from '../certs/fingerprint.js'
import {type DoctorContext} from './context.js'

/** The OS roots that are not team CAs: what a combined bundle must hold besides the team. */
export async function publicRoots(context: DoctorContext): Promise<Set<Fingerprint>> {
  const [roots, team] = await Promise.all([context.osRoots(), context.team()])
  return new Set(roots.fingerprints.filter((fp) => !team.fingerprints.has(fp)))
}

/** A short hash of a set of fingerprints, to compare the bundle's public roots with the OS's. */
export function setHash(prints: Iterable<Fingerprint>): string {
  return createHash('sha256')
    .update([...prints].sort().join('\n'))
    .digest('hex')
    .slice(0, 16)
}

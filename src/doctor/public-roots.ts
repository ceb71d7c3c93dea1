import {createHash} from 'node:crypto'

import {pemFingerprint} from '../bundle/os-roots.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {type State} from '../plan/state.js'
import {type DoctorContext} from './context.js'

/**
 * Every CA dev-certs put in the bundle: this project's team, what team-ca.pem holds, and the CAs of every
 * project the home's state records. Projects that share a DEV_CERTS_HOME share one bundle with the union of
 * their CAs, so another project's team CA is ours too, never a public root.
 */
export async function ourCas(context: DoctorContext): Promise<Set<Fingerprint>> {
  const [team, state] = await Promise.all([context.team(), context.state()])
  return new Set([
    ...team.fingerprints,
    ...team.installed.map(({cert}) => cert.fingerprint),
    ...recordedCas(state, {intermediates: true}),
  ])
}

/** The CAs the home's state records for its projects (all, or all but one config's), as fingerprints. */
export function recordedCas(
  state: State,
  options: {except?: string; intermediates?: boolean},
): Fingerprint[] {
  return Object.entries(state.projects)
    .filter(([path]) => path !== options.except)
    .flatMap(([, project]) =>
      project.authorities.flatMap(({anchors, intermediates}) =>
        options.intermediates ? [...anchors, ...intermediates] : anchors,
      ),
    )
    .map((pem) => pemFingerprint(pem))
}

/** The OS roots that are not our CAs: what a combined bundle must hold besides the team. */
export async function publicRoots(context: DoctorContext): Promise<Set<Fingerprint>> {
  const [roots, ours] = await Promise.all([context.osRoots(), ourCas(context)])
  return new Set(roots.fingerprints.filter((fp) => !ours.has(fp)))
}

/** A short hash of a set of fingerprints, to compare the bundle's public roots with the OS's. */
export function setHash(prints: Iterable<Fingerprint>): string {
  return createHash('sha256')
    .update([...prints].sort().join('\n'))
    .digest('hex')
    .slice(0, 16)
}

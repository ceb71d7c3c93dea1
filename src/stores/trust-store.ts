import {type Certificate} from '../certs/certificate.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {type Step} from '../plan/step.js'

export interface WantedAnchor {
  authority: string
  cert: Certificate
}

/** What every store needs to know about the machine it runs on. */
export interface StoreContext {
  env: NodeJS.ProcessEnv
  /**
   * DEV_CERTS_HOME. Stores that keep no files of their own (a keychain, certutil, a Java keystore) record
   * here a copy of each anchor they added, so uninstall removes exactly those, even after the config is gone.
   */
  home: string
  platform: NodeJS.Platform
}

/**
 * Whether a store can be written here, decided before any step is planned. `note`: skipped on purpose
 * (already covered); `warning`: skipped, the rest of setup goes on; `error`: setup stops, nothing written.
 */
export type Readiness =
  | {notes: string[]; ready: true}
  | {fix?: string; level: 'error' | 'note' | 'warning'; message: string; ready: false}

/** One OS trust store, with the same verbs as every other: check, install steps, remove steps. */
export interface TrustStore {
  id: string
  /**
   * Steps that make these anchors trusted, and remove the anchors of the same authorities that are no longer
   * pinned (a rotation). Other authorities' anchors (another project's) are left alone.
   */
  installSteps(anchors: WantedAnchor[]): Promise<Step[]>
  /** Trusted means the store itself answers yes for this fingerprint; a file on disk is not trust. */
  isTrusted(fingerprint: Fingerprint): Promise<boolean>
  /** Our anchor for this certificate is in the store's input (the doctor reports present-but-not-trusted). */
  isPresent?(fingerprint: Fingerprint): Promise<boolean>
  name: string
  precheck(anchors: WantedAnchor[]): Promise<Readiness>
  removeSteps(): Promise<Step[]>
  /**
   * The files whose bytes decide this store's plan, for the no-op stamp. Absent for stores whose state lives
   * in a tool (a keychain, certutil, keytool): the fast path cannot vouch for those, so it steps aside.
   */
  watchedFiles?(anchors: WantedAnchor[]): string[]
}

export const READY: Readiness = {notes: [], ready: true}

/**
 * A stable name per anchor: the authority's name, plus a fingerprint prefix when one authority pins several
 * CAs (a rotation), so two anchors never share a file, a nickname or an alias.
 */
export function anchorNames(anchors: WantedAnchor[]): Map<WantedAnchor, string> {
  const counts = new Map<string, number>()
  for (const {authority} of anchors) counts.set(authority, (counts.get(authority) ?? 0) + 1)
  const names = new Map<WantedAnchor, string>()
  for (const anchor of anchors) {
    const several = counts.get(anchor.authority)! > 1
    const suffix = several ? `-${anchor.cert.fingerprint.replaceAll(':', '').slice(0, 8).toLowerCase()}` : ''
    names.set(anchor, `${anchor.authority}${suffix}`)
  }

  return names
}

/** `team-root` and `team-root-1a2b3c4d` (a rotation's second anchor) both belong to authority `team-root`. */
export function authorityOf(name: string): string {
  return name.replace(/-[0-9a-f]{8}$/, '')
}

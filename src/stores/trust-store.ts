import {type Certificate} from '../certs/certificate.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {type Step} from '../plan/step.js'

export interface WantedAnchor {
  authority: string
  cert: Certificate
}

/** One OS trust store, with the same verbs as every other: detect, check, install steps, remove steps. */
export interface TrustStore {
  id: string
  /**
   * Steps that make these anchors trusted, and remove the anchors of the same authorities that are no longer
   * pinned (a rotation). Other authorities' anchors (another project's) are left alone.
   */
  installSteps(anchors: WantedAnchor[]): Promise<Step[]>
  /** Trusted means present in the store's extracted bundle, by fingerprint; a file on disk is not trust. */
  isTrusted(fingerprint: Fingerprint): Promise<boolean>
  /** Our anchor for this certificate is in the store's input (the doctor reports present-but-not-trusted). */
  isPresent?(fingerprint: Fingerprint): Promise<boolean>
  name: string
  removeSteps(): Promise<Step[]>
}

export class UnsupportedStore extends Error {}

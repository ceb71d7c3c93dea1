import {detectStore} from '../stores/detect.js'
import {javaStore} from '../stores/java.js'
import {nssStore} from '../stores/nss.js'
import {type StoreContext, type TrustStore, type WantedAnchor} from '../stores/trust-store.js'
import {DevCertsError} from '../system/errors.js'
import {type Step} from './step.js'

/** Which stores setup writes: the OS store (detected or named), and the opt-in browser and Java stores. */
export interface StoreChoice {
  /** Firefox/Chromium NSS databases (`--browsers`). */
  browsers?: boolean
  java?: boolean
  /** `--store` or config `system.store`, with where it came from (for the note). */
  override?: {from: string; name: string}
  /** false with --no-system. */
  system: boolean
  /** macOS admin domain (`--system-wide`). */
  systemWide?: boolean
}

export interface StoresPlan {
  /** Files whose bytes decide these stores' steps; undefined when a store keeps its state in a tool. */
  files: string[] | undefined
  notes: string[]
  steps: Step[]
  /** Ids of the stores we may have written, for the state record. */
  stores: string[]
  warnings: string[]
}

export async function planStores(
  anchors: WantedAnchor[],
  choice: StoreChoice,
  context: StoreContext,
): Promise<StoresPlan> {
  const plan: StoresPlan = {files: [], notes: [], steps: [], stores: [], warnings: []}
  let systemId: string | undefined
  if (choice.system) {
    const detection = await detectStore(context, {override: choice.override, systemWide: choice.systemWide})
    if (detection.store) {
      plan.notes.push(`OS store: ${detection.store.name} (${detection.reason})`)
      if (await include(detection.store, anchors, plan)) systemId = detection.store.id
    } else {
      plan.notes.push(`OS store: skipped, ${detection.reason}; env files are still written.`)
    }
  }

  if (choice.browsers) await include(nssStore(context), anchors, plan)
  if (choice.java) await include(javaStore(context, {systemStore: systemId}), anchors, plan)
  return plan
}

/** Adds a store's steps when it is ready; otherwise its note, its warning or (for `error`) a stop. */
async function include(store: TrustStore, anchors: WantedAnchor[], plan: StoresPlan): Promise<boolean> {
  const readiness = await store.precheck(anchors)
  if (!readiness.ready) {
    const text = readiness.fix ? `${readiness.message}\n  ${readiness.fix}` : readiness.message
    if (readiness.level === 'error')
      throw new DevCertsError('STORE_UNAVAILABLE', readiness.message, {fix: readiness.fix})
    ;(readiness.level === 'note' ? plan.notes : plan.warnings).push(text)
    return false
  }

  plan.notes.push(...readiness.notes)
  plan.stores.push(store.id)
  plan.files = store.watchedFiles && plan.files ? [...plan.files, ...store.watchedFiles(anchors)] : undefined
  plan.steps.push(...(await store.installSteps(anchors)))
  return true
}

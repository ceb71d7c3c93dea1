import {stat} from 'node:fs/promises'

import {DevCertsError} from '../system/errors.js'
import {readIfExists} from '../system/files.js'
import {type ConfiguredSetting} from './configure.js'

/**
 * What setup changed, so uninstall can undo it even after the config is changed or deleted.
 * Kept in DEV_CERTS_HOME/state.json.
 */
export interface State {
  /** Tool settings `--configure` changed, with the value each replaced. */
  configured: ConfiguredSetting[]
  /** Shared files that did not exist before we created them (removed again when left empty). */
  created: string[]
  /** Shared files that hold our marked block (.env files, shell profiles). */
  blocks: string[]
  /**
   * The team CAs of every project set up with this home, by config path: the CA files, the bundle and the OS
   * store hold the union, so setting up one project never drops another's CA.
   */
  projects: Record<string, ProjectRecord>
  /** Trust stores we installed anchors into. */
  stores: string[]
  version: 1
}

export interface ProjectRecord {
  authorities: Array<{anchors: string[]; intermediates: string[]; name: string}>
}

export const EMPTY_STATE: State = {
  blocks: [],
  configured: [],
  created: [],
  projects: {},
  stores: [],
  version: 1,
}

export async function readState(path: string): Promise<State> {
  // A pipe would block the read forever, and a device read without end: only a regular file is read.
  const info = await stat(path).catch(() => undefined)
  if (info && !info.isFile()) {
    throw new DevCertsError(
      'STATE_NOT_FILE',
      `${path} is not a regular file; dev-certs keeps its record there.`,
      {
        fix: 'Move it away, or point DEV_CERTS_HOME at a directory of its own.',
      },
    )
  }

  const bytes = await readIfExists(path)
  if (!bytes) return {...EMPTY_STATE}
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as Partial<State>
    return {
      blocks: parsed.blocks ?? [],
      configured: parsed.configured ?? [],
      created: parsed.created ?? [],
      projects: parsed.projects ?? {},
      stores: parsed.stores ?? [],
      version: 1,
    }
  } catch {
    return {...EMPTY_STATE}
  }
}

export function mergeState(a: State, b: Partial<State>): State {
  const union = (x: string[], y: string[] = []) => [...new Set([...x, ...y])].sort()
  return {
    blocks: union(a.blocks, b.blocks),
    // A setting recorded earlier keeps its first record: that one holds what was there before any setup.
    configured: [
      ...a.configured,
      ...(b.configured ?? []).filter((x) => !a.configured.some((y) => y.tool === x.tool && y.key === x.key)),
    ],
    created: union(a.created, b.created),
    projects: sortKeys(b.projects ?? a.projects),
    stores: union(a.stores, b.stores),
    version: 1,
  }
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([x], [y]) => x.localeCompare(y)))
}

export function renderState(state: State): string {
  return JSON.stringify(state, null, 2) + '\n'
}

import {access} from 'node:fs/promises'

import {decodeCertificates} from '../certs/decode.js'
import {type Authority} from '../sources/acquire.js'
import {type ProjectRecord, type State} from './state.js'

/** What this project contributes to the home's shared trust set, as it is kept in state.json. */
export function recordOf(authorities: Authority[]): ProjectRecord {
  return {
    authorities: authorities.map((authority) => ({
      anchors: authority.anchors.map((cert) => cert.pem),
      intermediates: authority.intermediates.map((cert) => cert.pem),
      name: authority.name,
    })),
  }
}

/**
 * The CAs other projects set up with this home, as authorities, so that the files and the store keep them.
 * A project whose config file is gone is dropped, and with it its CAs.
 */
export async function otherProjects(
  state: State,
  configPath: string,
): Promise<{byConfig: Map<string, Authority[]>; live: Record<string, ProjectRecord>}> {
  const byConfig = new Map<string, Authority[]>()
  const live: Record<string, ProjectRecord> = {}
  for (const [path, record] of Object.entries(state.projects)) {
    if (path === configPath) continue
    const exists = await access(path).then(
      () => true,
      () => false,
    )
    if (!exists) continue
    live[path] = record
    const authorities: Authority[] = []
    byConfig.set(path, authorities)
    for (const entry of record.authorities) {
      const parse = (pems: string[]) =>
        pems.flatMap((pem) => decodeCertificates(Buffer.from(pem), path).certificates)
      authorities.push({
        anchors: parse(entry.anchors),
        intermediates: parse(entry.intermediates),
        name: entry.name,
        origin: path,
        privateKeyIn: [],
        warnings: [],
      })
    }
  }

  return {byConfig, live}
}

/** Every project's authorities in config-path order: the same union whichever project ran last. */
export function unionInOrder(
  others: Map<string, Authority[]>,
  configPath: string,
  own: Authority[],
): Authority[] {
  const all = new Map(others).set(configPath, own)
  return [...all.keys()].sort().flatMap((path) => all.get(path)!)
}

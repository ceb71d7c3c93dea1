import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {pemFingerprint, splitPem} from '../bundle/os-roots.js'
import {type Fingerprint, sha1Of} from '../certs/fingerprint.js'
import {type Step} from '../plan/step.js'

/** One anchor we added to a store that keeps no files of its own, as recorded under DEV_CERTS_HOME. */
export interface RecordedAnchor {
  fingerprint: Fingerprint
  /** File name without .pem: the authority name, as anchorNames() gave it. */
  name: string
  path: string
  pem: string
  /** SHA-1 of the DER, upper-case hex: the macOS `-Z` hash and the Windows thumbprint. */
  sha1: string
}

/**
 * The record of a keychain, a Windows store or a keystore: a copy of each anchor we added, in
 * DEV_CERTS_HOME/stores/<id>/. The copy is also the file the tool reads, so the command a user is shown is
 * the command that runs.
 */
export class AnchorRecord {
  readonly dir: string

  constructor(home: string, id: string) {
    this.dir = join(home, 'stores', id)
  }

  path(name: string): string {
    return join(this.dir, `${name}.pem`)
  }

  async list(): Promise<RecordedAnchor[]> {
    const names = await readdir(this.dir).catch(() => [] as string[])
    const anchors: RecordedAnchor[] = []
    for (const file of names.filter((n) => n.endsWith('.pem')).sort()) {
      const path = join(this.dir, file)
      const [pem] = splitPem(await readFile(path, 'utf8').catch(() => ''))
      if (!pem) continue
      anchors.push({
        fingerprint: pemFingerprint(pem),
        name: file.slice(0, -4),
        path,
        pem,
        sha1: sha1OfPem(pem),
      })
    }

    return anchors
  }

  /** Written as the user, before the tool that reads it runs. */
  writeStep(name: string, pem: string): Step {
    return {admin: false, content: pem, kind: 'write', mode: 0o644, path: this.path(name), why: 'record'}
  }

  /** The record goes last, and only when every admin step before it ran, so a retry still finds it. */
  forgetSteps(anchors: RecordedAnchor[]): Step[] {
    return [
      ...anchors.map((a): Step => ({
        admin: false,
        afterAdmin: true,
        kind: 'remove',
        path: a.path,
        why: 'record',
      })),
      {admin: false, afterAdmin: true, kind: 'rmdir', path: this.dir, why: 'record directory, now empty'},
      {admin: false, afterAdmin: true, kind: 'rmdir', path: join(this.dir, '..'), why: 'records, now empty'},
    ]
  }
}

export function sha1OfPem(pem: string): string {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replaceAll(/\s/g, '')
  return sha1Of(Buffer.from(body, 'base64'))
}

import {readdir, readFile} from 'node:fs/promises'
import {basename, join} from 'node:path'

import {type Fingerprint} from '../certs/fingerprint.js'
import {splitPem, pemFingerprint} from '../bundle/os-roots.js'
import {type Step} from '../plan/step.js'
import {DevCertsError} from '../system/errors.js'
import {logger} from '../system/log.js'
import {findBinary} from './binary.js'
import {type TrustStore, type WantedAnchor} from './trust-store.js'

const log = logger('store:debian')

export const DEBIAN = {
  anchorDir: '/usr/local/share/ca-certificates/dev-certs',
  bundle: '/etc/ssl/certs/ca-certificates.crt',
  refresh: 'update-ca-certificates',
}

/**
 * Debian, Ubuntu, Mint and their kin: PEM anchors named *.crt under /usr/local/share/ca-certificates (DER or
 * another extension is silently skipped by update-ca-certificates), then the refresh tool by absolute path.
 */
export function debianStore(): TrustStore {
  return {
    id: 'debian',
    async installSteps(anchors) {
      const wanted = anchorFiles(anchors)
      const authorities = new Set(anchors.map((anchor) => anchor.authority))
      const present = (await listAnchors()).filter((path) => authorities.has(authorityOf(path)))
      const steps: Step[] = []
      for (const [path, content] of wanted) {
        const current = await readFile(path, 'utf8').catch(() => undefined)
        if (current !== content)
          steps.push({admin: true, content, kind: 'write', mode: 0o644, path, why: 'trust anchor'})
      }

      for (const path of present.filter((p) => !wanted.has(p))) {
        steps.push({admin: true, kind: 'remove', path, why: 'anchor no longer pinned'})
      }

      const trusted = await extractedFingerprints()
      const missing = anchors.filter(({cert}) => !trusted.has(cert.fingerprint))
      if (steps.length > 0 || missing.length > 0) {
        log(
          'refresh needed: %d file change(s), %d anchor(s) not in %s',
          steps.length,
          missing.length,
          DEBIAN.bundle,
        )
        steps.push({
          admin: true,
          argv: [await refreshBinary()],
          kind: 'run',
          why: 'rebuild the system bundle',
        })
      }

      return steps
    },
    async isTrusted(fingerprint: Fingerprint) {
      return (await extractedFingerprints()).has(fingerprint)
    },
    async isPresent(fingerprint: Fingerprint) {
      for (const path of await listAnchors()) {
        const text = await readFile(path, 'utf8').catch(() => '')
        if (splitPem(text).some((block) => pemFingerprint(block) === fingerprint)) return true
      }

      return false
    },
    name: 'Debian/Ubuntu system store',
    async removeSteps() {
      const present = await listAnchors()
      if (present.length === 0) return []
      return [
        ...present.map((path): Step => ({admin: true, kind: 'remove', path, why: 'dev-certs anchor'})),
        {admin: true, kind: 'rmdir', path: DEBIAN.anchorDir, why: 'our anchor directory'},
        {admin: true, argv: [await refreshBinary()], kind: 'run', why: 'rebuild the system bundle'},
      ]
    },
  }
}

/** One file per certificate: the refresh tool and `openssl rehash` read only the first certificate of a file. */
function anchorFiles(anchors: WantedAnchor[]): Map<string, string> {
  const files = new Map<string, string>()
  const counts = new Map<string, number>()
  for (const {authority} of anchors) counts.set(authority, (counts.get(authority) ?? 0) + 1)
  for (const {authority, cert} of anchors) {
    const suffix =
      counts.get(authority)! > 1 ? `-${cert.fingerprint.replaceAll(':', '').slice(0, 8).toLowerCase()}` : ''
    files.set(join(DEBIAN.anchorDir, `${authority}${suffix}.crt`), cert.pem)
  }

  return files
}

/** `team-root.crt` and `team-root-1a2b3c4d.crt` both belong to authority `team-root`. */
function authorityOf(path: string): string {
  return basename(path, '.crt').replace(/-[0-9a-f]{8}$/, '')
}

async function listAnchors(): Promise<string[]> {
  const names = await readdir(DEBIAN.anchorDir).catch(() => [] as string[])
  return names.filter((name) => name.endsWith('.crt')).map((name) => join(DEBIAN.anchorDir, name))
}

async function extractedFingerprints(): Promise<Set<Fingerprint>> {
  const text = await readFile(DEBIAN.bundle, 'utf8').catch(() => '')
  return new Set(splitPem(text).map((block) => pemFingerprint(block)))
}

async function refreshBinary(): Promise<string> {
  const found = await findBinary(DEBIAN.refresh)
  if (found) return found
  throw new DevCertsError(
    'NO_REFRESH_TOOL',
    `${DEBIAN.refresh} was not found in /usr/sbin, /usr/bin, /sbin or /bin.`,
    {
      fix: 'Install it with `sudo apt-get install ca-certificates`, or run setup with --no-system.',
    },
  )
}

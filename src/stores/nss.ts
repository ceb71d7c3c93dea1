import {access, readdir} from 'node:fs/promises'
import {join} from 'node:path'

import {pemFingerprint, splitPem} from '../bundle/os-roots.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {type Step} from '../plan/step.js'
import {exec} from '../system/exec.js'
import {type InvokingUser, invokingUser} from '../system/invoking-user.js'
import {logger} from '../system/log.js'
import {readOsRelease} from '../system/platform.js'
import {findBinary, findOnPath} from './binary.js'
import {linuxFamily} from './family.js'
import {anchorNames, type Readiness, type StoreContext, type TrustStore} from './trust-store.js'

const log = logger('store:nss')

export const NICKNAME_PREFIX = 'dev-certs-'

/** Firefox keeps one NSS database per profile; these hold the profiles (regular, snap, flatpak). */
const FIREFOX_ROOTS = [
  '.mozilla/firefox',
  'snap/firefox/common/.mozilla/firefox',
  '.var/app/org.mozilla.firefox/.mozilla/firefox',
]

/** Chrome and Chromium on Linux share one database per user; Chromium 146+ moved it under ~/.local/share. */
const SHARED_DBS = ['.pki/nssdb', '.local/share/pki/nssdb', 'snap/chromium/current/.pki/nssdb']

/** The package that has certutil, per family, for the "certutil missing" hint. */
const CERTUTIL_PACKAGES: Record<string, string> = {
  alpine: 'apk add nss-tools',
  arch: 'sudo pacman -S nss',
  darwin: 'brew install nss',
  debian: 'sudo apt-get install libnss3-tools',
  rhel: 'sudo dnf install nss-tools',
  suse: 'sudo zypper install mozilla-nss-tools',
}

/**
 * Browser NSS databases (opt-in: --browsers). Only cert9.db ("sql:") databases: the legacy cert8 format is
 * what produced SEC_ERROR_LEGACY_DATABASE. Everything runs as the invoking user, because these databases
 * are the user's files and a root-owned file in them breaks the browser.
 */
export function nssStore(context: StoreContext): TrustStore {
  let resolved: Promise<{certutil?: string; dbs: string[]; user: InvokingUser}> | undefined
  const setup = () =>
    (resolved ??= (async () => {
      const user = await invokingUser(context.env, context.platform)
      const certutil =
        (await findOnPath('certutil', context.env)) ??
        (await findBinary('certutil', ['/usr/bin', '/opt/homebrew/bin', '/usr/local/bin']))
      const dbs = user.home ? await findDatabases(user.home) : []
      log('certutil %s; databases %o', certutil ?? 'missing', dbs)
      return {certutil, dbs, user}
    })())

  const certutil = async (args: string[]) => {
    const {certutil: path, user} = await setup()
    return [...user.runAs, path!, ...args]
  }

  /** Nickname → PEM blocks, for our nicknames with the "C" (trusted CA for TLS) flag in this database. */
  const trustedIn = async (db: string, only?: (nickname: string) => boolean) => {
    const listing = await exec(await certutil(['-L', '-d', `sql:${db}`]))
    const found = new Map<string, Fingerprint[]>()
    for (const line of listing.stdout.split('\n')) {
      const match = /^(.+?)\s+([A-Za-z]*),([A-Za-z]*),([A-Za-z]*)\s*$/.exec(line)
      if (!match || !match[2].includes('C') || (only && !only(match[1]))) continue
      const pem = await exec(await certutil(['-L', '-d', `sql:${db}`, '-n', match[1], '-a']))
      found.set(
        match[1],
        splitPem(pem.stdout).map((block) => pemFingerprint(block)),
      )
    }

    return found
  }

  const ours = async (db: string) => {
    const listing = await exec(await certutil(['-L', '-d', `sql:${db}`]))
    return listing.stdout
      .split('\n')
      .map((line) => /^(dev-certs-\S+)\s+\S*,\S*,\S*\s*$/.exec(line)?.[1])
      .filter((name): name is string => Boolean(name))
  }

  const deleteStep = async (db: string, nickname: string): Promise<Step> => ({
    admin: false,
    argv: await certutil(['-D', '-n', nickname, '-d', `sql:${db}`]),
    kind: 'run',
    why: `NSS database of ${(await setup()).user.name ?? 'this user'}`,
  })

  return {
    id: 'nss',
    async installSteps(anchors) {
      const {dbs} = await setup()
      const steps: Step[] = []
      const names = anchorNames(anchors)
      for (const db of dbs) {
        const present = await trustedIn(db, (nickname) => nickname.startsWith(NICKNAME_PREFIX))
        const wanted = new Set<string>()
        for (const [anchor, name] of names) {
          const nickname = `${NICKNAME_PREFIX}${name}`
          wanted.add(nickname)
          if (present.get(nickname)?.includes(anchor.cert.fingerprint)) continue
          // A rotated CA under the same nickname would be refused: the old one goes first.
          if (present.has(nickname)) steps.push(await deleteStep(db, nickname))
          steps.push({
            admin: false,
            argv: await certutil(['-A', '-t', 'C,,', '-n', nickname, '-d', `sql:${db}`, '-a']),
            fix:
              'SEC_ERROR_BAD_DATABASE or SEC_ERROR_READ_ONLY: close the browser and check that ' +
              `${db} and its files belong to ${(await setup()).user.name ?? 'you'}, not root.`,
            input: anchor.cert.pem,
            kind: 'run',
            why: `trust for TLS in ${db}`,
          })
        }

        for (const nickname of await ours(db)) {
          if (!wanted.has(nickname)) steps.push(await deleteStep(db, nickname))
        }
      }

      return steps
    },
    async isTrusted(fingerprint: Fingerprint) {
      const {certutil: path, dbs} = await setup()
      if (!path || dbs.length === 0) return false
      for (const db of dbs) {
        const trusted = [...(await trustedIn(db)).values()].some((prints) => prints.includes(fingerprint))
        if (!trusted) return false
      }

      return true
    },
    name: 'browser NSS databases (Firefox, Chromium)',
    async precheck(): Promise<Readiness> {
      const {certutil: path, dbs, user} = await setup()
      const who = user.name ? `${user.name}'s` : 'your'
      if (!user.home)
        return {
          fix: 'Run setup without sudo: browser databases belong to the user.',
          level: 'warning',
          message: `The home of SUDO_USER=${user.name} is unknown: ${who} browser databases were left alone.`,
          ready: false,
        }
      if (dbs.length === 0)
        return {
          fix: 'Start Firefox or Chromium once (it creates its database), then run setup again.',
          level: 'warning',
          message: `No NSS database yet under ${user.home} (no Firefox profile with cert9.db, no pki/nssdb).`,
          ready: false,
        }
      if (!path)
        return {
          fix: `Install certutil: \`${certutilPackage(context)}\`, then run setup again.`,
          level: 'warning',
          message: `certutil is missing, so ${who} ${dbs.length} browser database(s) cannot be updated.`,
          ready: false,
        }
      return {notes: [`Browsers: ${dbs.length} NSS database(s) of ${user.name ?? 'this user'}.`], ready: true}
    },
    async removeSteps() {
      const {certutil: path, dbs} = await setup()
      if (!path) return []
      const steps: Step[] = []
      for (const db of dbs) for (const nickname of await ours(db)) steps.push(await deleteStep(db, nickname))
      return steps
    },
  }
}

/** Every database under the user's home, as found now: profiles come and go. */
export async function findDatabases(home: string): Promise<string[]> {
  const dbs: string[] = []
  for (const root of FIREFOX_ROOTS) {
    const profiles = await readdir(join(home, root)).catch(() => [] as string[])
    for (const profile of profiles.sort()) {
      if (await exists(join(home, root, profile, 'cert9.db'))) dbs.push(join(home, root, profile))
    }
  }

  for (const dir of SHARED_DBS) if (await exists(join(home, dir, 'cert9.db'))) dbs.push(join(home, dir))
  return dbs
}

function certutilPackage(context: StoreContext): string {
  if (context.platform === 'darwin') return CERTUTIL_PACKAGES.darwin
  const release = readOsRelease()
  const family = release ? linuxFamily(release)?.family : undefined
  return family ? CERTUTIL_PACKAGES[family] : "install your distribution's NSS tools package"
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

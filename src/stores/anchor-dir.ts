import {readdir, readFile} from 'node:fs/promises'
import {basename, join} from 'node:path'

import {pemFingerprint, splitPem} from '../bundle/os-roots.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {type Step} from '../plan/step.js'
import {DevCertsError} from '../system/errors.js'
import {logger} from '../system/log.js'
import {findBinary, SYSTEM_DIRS} from './binary.js'
import {anchorNames, authorityOf, READY, type Readiness, type TrustStore} from './trust-store.js'

/**
 * A Linux family whose trust store is a directory of PEM anchors plus a refresh tool that rebuilds the
 * extracted bundle. Each family file (debian.ts, rhel.ts, …) is one of these: data, not code.
 */
export interface LinuxFamily {
  /** Where our anchors go. */
  anchorDir: string
  /** The bundle the refresh tool writes: "trusted" means the fingerprint is in it. */
  bundle: string
  extension: '.crt' | '.pem'
  id: string
  /** What to run when the refresh tool is missing. */
  install: string
  name: string
  /** Our files in a shared directory start with this; '' when the whole directory is ours. */
  prefix: string
  /** Refresh commands, most specific first; the first whose binary exists at an absolute path is used. */
  refresh: Array<[string, ...string[]]>
  /**
   * Arguments the refresh needs once an anchor was removed or replaced. Debian's tool reports only new link
   * names: without --fresh a removed anchor's links outlive it, and a replaced one gets no new hash link. (Its
   * update.d hooks, Java's among them, never hear that a local anchor went, with --fresh or without.)
   */
  whenReplaced?: string[]
}

export function anchorDirStore(family: LinuxFamily): TrustStore {
  const log = logger(`store:${family.id}`)
  const ownDir = family.prefix === ''
  const listAnchors = async () => {
    const names = await readdir(family.anchorDir).catch(() => [] as string[])
    return names
      .filter((name) => name.startsWith(family.prefix) && name.endsWith(family.extension))
      .map((name) => join(family.anchorDir, name))
  }

  const authorityOfFile = (path: string) =>
    authorityOf(basename(path, family.extension).slice(family.prefix.length))

  const extracted = async () => {
    const text = await readFile(family.bundle, 'utf8').catch(() => '')
    return new Set(splitPem(text).map((block) => pemFingerprint(block)))
  }

  const refreshStep = async (replaced: boolean): Promise<Step> => {
    const tool = await refreshArgv(family)
    const argv = [...tool, ...(replaced ? (family.whenReplaced ?? []) : [])]
    return {
      admin: true,
      // Putting an anchor back or taking it out is a replacement too.
      afterRollback: [...tool, ...(family.whenReplaced ?? [])],
      argv,
      fix:
        `Check that every file in ${family.anchorDir} is a certificate (PEM), then run ` +
        `\`sudo ${argv.join(' ')}\` by hand to see its whole output.`,
      kind: 'run',
      why: `rebuild ${family.bundle}`,
    }
  }

  return {
    id: family.id,
    async installSteps(anchors) {
      const wanted = new Map<string, string>()
      for (const [anchor, name] of anchorNames(anchors)) {
        wanted.set(join(family.anchorDir, `${family.prefix}${name}${family.extension}`), anchor.cert.pem)
      }

      const steps: Step[] = []
      let replaced = false
      for (const [path, content] of wanted) {
        const current = await readFile(path, 'utf8').catch(() => undefined)
        if (current === content) continue
        replaced ||= current !== undefined
        steps.push({admin: true, content, kind: 'write', mode: 0o644, path, why: 'trust anchor'})
      }

      // Only the anchors of these authorities: another project's anchors in the same store stay.
      const authorities = new Set(anchors.map((anchor) => anchor.authority))
      const present = (await listAnchors()).filter((path) => authorities.has(authorityOfFile(path)))
      for (const path of present.filter((p) => !wanted.has(p))) {
        steps.push({admin: true, kind: 'remove', path, why: 'anchor no longer pinned'})
        replaced = true
      }

      const trusted = await extracted()
      const missing = anchors.filter(({cert}) => !trusted.has(cert.fingerprint))
      if (steps.length === 0 && missing.length === 0) return []
      log('refresh: %d file change(s), %d anchor(s) not in %s', steps.length, missing.length, family.bundle)
      return [...steps, await refreshStep(replaced)]
    },
    async isTrusted(fingerprint: Fingerprint) {
      return (await extracted()).has(fingerprint)
    },
    async isPresent(fingerprint: Fingerprint) {
      for (const path of await listAnchors()) {
        const text = await readFile(path, 'utf8').catch(() => '')
        if (splitPem(text).some((block) => pemFingerprint(block) === fingerprint)) return true
      }

      return false
    },
    name: family.name,
    async precheck(): Promise<Readiness> {
      if (await findRefresh(family)) return READY
      const tools = family.refresh.map((argv) => argv[0]).join(' or ')
      return {
        fix: `${family.install}, or run setup with --no-system.`,
        level: 'error',
        message: `${tools} is not in ${SYSTEM_DIRS.join(', ')}: the ${family.name} cannot be updated.`,
        ready: false,
      }
    },
    watchedFiles(anchors) {
      const names = [...anchorNames(anchors).values()]
      const files = names.map((name) => join(family.anchorDir, `${family.prefix}${name}${family.extension}`))
      return [family.bundle, ...files]
    },
    async removeSteps() {
      const present = await listAnchors()
      if (present.length === 0) return []
      const steps = present.map((path): Step => ({
        admin: true,
        kind: 'remove',
        path,
        why: 'dev-certs anchor',
      }))
      if (ownDir)
        steps.push({admin: true, kind: 'rmdir', path: family.anchorDir, why: 'our anchor directory'})
      return [...steps, await refreshStep(true)]
    },
  }
}

async function findRefresh(family: LinuxFamily): Promise<string[] | undefined> {
  for (const [name, ...args] of family.refresh) {
    const path = await findBinary(name)
    if (path) return [path, ...args]
  }

  return undefined
}

async function refreshArgv(family: LinuxFamily): Promise<string[]> {
  // The planner runs precheck first; a tool that vanished since then still gets a clear error.
  const argv = await findRefresh(family)
  if (argv) return argv
  throw new DevCertsError('NO_REFRESH_TOOL', `${family.refresh[0][0]} was not found.`, {fix: family.install})
}

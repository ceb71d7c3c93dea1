import {join} from 'node:path'

import {type Fingerprint} from '../certs/fingerprint.js'
import {type Step} from '../plan/step.js'
import {DevCertsError} from '../system/errors.js'
import {exec} from '../system/exec.js'
import {logger} from '../system/log.js'
import {platformTool} from './binary.js'
import {AnchorRecord, sha1OfPem} from './record.js'
import {anchorNames, type StoreContext, type TrustStore} from './trust-store.js'

const log = logger('store:windows')

const DIALOG_FIX =
  'ERROR_CANCELLED (0x800704c7): the security warning was answered No or could not be shown; run setup ' +
  'again from the desktop and answer Yes. ERROR_ACCESS_DENIED (0x80070005): LocalMachine needs an ' +
  'elevated prompt ("Run as administrator").'

/** The mandatory-label SIDs of an elevated token (High) and of SYSTEM. */
const ELEVATED_LABELS = ['S-1-16-12288', 'S-1-16-16384']

/**
 * Windows Root stores through certutil. Elevated: LocalMachine\Root (all users and services, no dialog).
 * Otherwise CurrentUser\Root, where Windows shows a confirmation dialog for every add and delete. We never
 * elevate ourselves: the scope follows the session setup runs in. Certificates are found and removed by
 * thumbprint (SHA-1 of the DER) only, never by name or serial, which can match someone else's certificate.
 */
export async function windowsStore(context: StoreContext): Promise<TrustStore> {
  const machine = await isElevated(context)
  const id = machine ? 'windows-machine' : 'windows-user'
  return windowsScope(context, machine ? 'machine' : 'user', id)
}

/** The store for a scope we already know, e.g. the one a state record names at uninstall. */
export function windowsScope(
  context: StoreContext,
  scope: 'machine' | 'user',
  id = `windows-${scope}`,
): TrustStore {
  const record = new AnchorRecord(context.home, id)
  const user = scope === 'user' ? ['-user'] : []
  const tool = async () => {
    const found = await platformTool(exe(context, 'certutil'), systemDir(context), context)
    if (found) return found
    throw new DevCertsError('NO_CERTUTIL', 'certutil.exe was not found in %SystemRoot%\\System32.', {
      fix: 'Run setup on Windows, or with --no-system.',
    })
  }

  const inRoot = async (thumbprint: string) => {
    const result = await exec([await tool(), ...user, '-verifystore', 'Root', thumbprint])
    log('verifystore %s: exit %s', thumbprint, result.exitCode)
    return !result.failed
  }

  const why =
    scope === 'machine'
      ? 'LocalMachine\\Root (elevated session)'
      : 'CurrentUser\\Root (Windows asks to confirm)'
  const deleteStep = async (thumbprint: string): Promise<Step> => ({
    admin: false,
    argv: [await tool(), ...user, '-delstore', 'Root', thumbprint],
    fix: DIALOG_FIX,
    kind: 'run',
    why: `${why}, by thumbprint`,
  })

  return {
    id,
    async installSteps(anchors) {
      const steps: Step[] = []
      const wanted = new Set<string>()
      for (const [anchor, name] of anchorNames(anchors)) {
        wanted.add(name)
        if (await inRoot(sha1OfPem(anchor.cert.pem))) continue
        const force = scope === 'machine' ? ['-f'] : []
        steps.push(record.writeStep(name, anchor.cert.pem), {
          admin: false,
          argv: [await tool(), ...user, '-addstore', ...force, 'Root', record.path(name)],
          fix: DIALOG_FIX,
          kind: 'run',
          why,
        })
      }

      for (const old of (await record.list()).filter((a) => !wanted.has(a.name))) {
        if (await inRoot(old.sha1)) steps.push(await deleteStep(old.sha1))
        steps.push(...record.forgetSteps([old]).slice(0, 1))
      }

      return steps
    },
    async isTrusted(fingerprint: Fingerprint) {
      // certutil finds certificates by SHA-1; the record maps our fingerprints to thumbprints.
      const anchor = (await record.list()).find((a) => a.fingerprint === fingerprint)
      return anchor ? inRoot(anchor.sha1) : false
    },
    name: scope === 'machine' ? 'Windows LocalMachine\\Root' : 'Windows CurrentUser\\Root',
    async precheck() {
      await tool()
      const notes =
        scope === 'user'
          ? ['Windows will show a security warning dialog for each certificate: answer Yes to trust it.']
          : []
      return {notes, ready: true}
    },
    async removeSteps() {
      const recorded = await record.list()
      if (recorded.length === 0) return []
      const steps: Step[] = []
      for (const anchor of recorded) if (await inRoot(anchor.sha1)) steps.push(await deleteStep(anchor.sha1))
      return [...steps, ...record.forgetSteps(recorded)]
    },
  }
}

function exe(context: StoreContext, name: string): string {
  return context.platform === 'win32' ? `${name}.exe` : name
}

function systemDir(context: StoreContext): {dir: string; platform: NodeJS.Platform} {
  return {dir: join(context.env.SystemRoot ?? 'C:\\Windows', 'System32'), platform: 'win32'}
}

/** `whoami /groups` lists the token's mandatory label: High (or System) means an elevated session. */
async function isElevated(context: StoreContext): Promise<boolean> {
  const whoami = await platformTool(exe(context, 'whoami'), systemDir(context), context)
  if (!whoami) return false
  const result = await exec([whoami, '/groups'])
  const elevated = !result.failed && ELEVATED_LABELS.some((sid) => result.stdout.includes(sid))
  log('elevated: %s', elevated)
  return elevated
}

import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {homedir, tmpdir} from 'node:os'
import {join} from 'node:path'

import {pemFingerprint, splitPem} from '../bundle/os-roots.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {type Step} from '../plan/step.js'
import {DevCertsError} from '../system/errors.js'
import {exec} from '../system/exec.js'
import {logger} from '../system/log.js'
import {platformTool} from './binary.js'
import {AnchorRecord, sha1OfPem} from './record.js'
import {anchorNames, READY, type StoreContext, type TrustStore} from './trust-store.js'

const log = logger('store:macos')

const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain'

/**
 * macOS keychains. The user domain (default) keeps the certificate in the login keychain and its trust in the
 * user's settings: no sudo, and macOS asks the user to confirm. The admin domain (`--system-wide`, `-d`) uses
 * the System keychain through sudo, and since Big Sur still wants an interactive authorisation, even as root.
 * Trust is what `security verify-cert` answers, not presence in a keychain.
 */
export function macosStore(context: StoreContext, options: {systemWide: boolean}): TrustStore {
  const {systemWide} = options
  const id = systemWide ? 'macos-system' : 'macos-user'
  const record = new AnchorRecord(context.home, id)
  const home = context.env.HOME || homedir()
  const keychain = systemWide ? SYSTEM_KEYCHAIN : join(home, 'Library/Keychains/login.keychain-db')
  const domain = systemWide ? ['-d'] : []
  const tool = async () => {
    const path = await platformTool('security', {dir: '/usr/bin', platform: 'darwin'}, context)
    if (path) return path
    throw new DevCertsError('NO_SECURITY_TOOL', 'The macOS `security` tool was not found in /usr/bin.', {
      fix: 'Run setup on macOS, or with --no-system.',
    })
  }

  /** verify-cert reads a file; a temp copy keeps the check free of side effects anywhere else. */
  const verifies = async (pem: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'dev-certs-verify-'))
    try {
      await writeFile(join(dir, 'ca.pem'), pem)
      const result = await exec([await tool(), 'verify-cert', '-c', join(dir, 'ca.pem'), '-p', 'ssl'])
      log('verify-cert: exit %s', result.exitCode)
      return !result.failed
    } finally {
      await rm(dir, {force: true, recursive: true})
    }
  }

  /** Every certificate in the keychains macOS searches, as PEM (we compute the hashes ourselves). */
  const keychainPems = async (keychains: string[] = []) => {
    const result = await exec([await tool(), 'find-certificate', '-a', '-p', ...keychains])
    return result.failed ? [] : splitPem(result.stdout)
  }

  const removeAnchor = async (pem: string, path: string): Promise<Step[]> => {
    const steps: Step[] = []
    const why = `${systemWide ? 'admin' : 'user'} trust setting`
    if (await verifies(pem))
      steps.push({
        admin: systemWide,
        argv: [await tool(), 'remove-trusted-cert', ...domain, path],
        kind: 'run',
        why,
      })
    const sha1 = sha1OfPem(pem)
    const present = (await keychainPems([keychain])).some((block) => sha1OfPem(block) === sha1)
    if (present) {
      const argv = [await tool(), 'delete-certificate', '-Z', sha1, keychain]
      const fix = `Delete the certificate with SHA-1 ${sha1} in Keychain Access by hand.`
      steps.push({admin: systemWide, argv, fix, kind: 'run', why: `certificate in ${keychain}, by SHA-1`})
    }

    return steps
  }

  return {
    id,
    async installSteps(anchors) {
      const steps: Step[] = []
      const wanted = new Set<string>()
      for (const [anchor, name] of anchorNames(anchors)) {
        wanted.add(name)
        if (await verifies(anchor.cert.pem)) continue
        const path = record.path(name)
        steps.push(record.writeStep(name, anchor.cert.pem), {
          admin: systemWide,
          argv: [
            await tool(),
            'add-trusted-cert',
            ...domain,
            ...['-r', 'trustRoot', '-p', 'ssl', '-p', 'basic', '-k', keychain, path],
          ],
          fix:
            'errSecInternalComponent or "no user interaction was possible" means nobody could answer the ' +
            'dialog: run setup from Terminal in a desktop session (for a fleet, use an MDM profile).',
          kind: 'run',
          why: systemWide
            ? 'admin trust domain (macOS asks for an admin password)'
            : 'user trust (macOS asks to confirm)',
        })
      }

      for (const old of (await record.list()).filter((a) => !wanted.has(a.name))) {
        steps.push(...(await removeAnchor(old.pem, old.path)), ...record.forgetSteps([old]).slice(0, 1))
      }

      return steps
    },
    async isTrusted(fingerprint: Fingerprint) {
      const pem = (await keychainPems()).find((block) => pemFingerprint(block) === fingerprint)
      return pem ? verifies(pem) : false
    },
    name: systemWide ? 'macOS System keychain (admin domain)' : 'macOS login keychain (user domain)',
    async precheck() {
      await tool()
      const headless = await headlessReason(context)
      if (!headless) return READY
      return {
        fix:
          'Run `dev certs setup` from Terminal in a logged-in desktop session. For a fleet, deploy the CA ' +
          'with an MDM configuration profile: since Big Sur, trust changes need a person to confirm them.',
        level: 'warning',
        message:
          `macOS trust changes need a confirmation dialog and this session is headless (${headless}): ` +
          'the keychain was left alone.',
        ready: false,
      }
    },
    async removeSteps() {
      const recorded = await record.list()
      if (recorded.length === 0) return []
      const steps: Step[] = []
      for (const anchor of recorded) steps.push(...(await removeAnchor(anchor.pem, anchor.path)))
      return [...steps, ...record.forgetSteps(recorded)]
    },
  }
}

/** Why no one can answer a trust dialog here, or undefined when a desktop session is there to answer it. */
async function headlessReason(context: StoreContext): Promise<string | undefined> {
  const {env} = context
  if (env.SSH_CONNECTION || env.SSH_TTY) return 'an SSH session'
  if (env.CI) return 'CI is set'
  const launchctl = await platformTool('launchctl', {dir: '/bin', platform: 'darwin'}, context)
  if (!launchctl) return 'launchctl is missing'
  // Only an Aqua session (a logged-in desktop) can show the SecurityAgent dialog.
  const result = await exec([launchctl, 'managername'])
  const manager = result.stdout.trim()
  return manager === 'Aqua'
    ? undefined
    : `launchctl managername says ${JSON.stringify(manager || result.stderr.trim())}`
}

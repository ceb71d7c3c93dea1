import {access, constants, realpath} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {pemFingerprint, splitPem} from '../bundle/os-roots.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {type Step} from '../plan/step.js'
import {exec} from '../system/exec.js'
import {logger} from '../system/log.js'
import {findOnPath} from './binary.js'
import {AnchorRecord} from './record.js'
import {anchorNames, type Readiness, type StoreContext, type TrustStore} from './trust-store.js'

const log = logger('store:java')

const ALIAS_PREFIX = 'dev-certs-'
/** Every JDK ships its cacerts with this password; it guards integrity, not secrecy. */
const STOREPASS = ['-storepass', 'changeit']
/** Debian's ca-certificates-java rebuilds this keystore from the system store on every refresh. */
const DEBIAN_JKS = '/etc/ssl/certs/java/cacerts'
const DEBIAN_HOOK = '/etc/ca-certificates/update.d/jks-keystore'

interface Jdk {
  cacerts?: string
  home: string
  keytool: string
}

/**
 * The JDK's cacerts (opt-in: --java), through `keytool -cacerts` (JDK 9+). The JDK is JAVA_HOME, else the one
 * `java` on PATH resolves to. A missing keystore is a warning, not a crash: many JDKs (Homebrew's) keep it
 * elsewhere or not at all.
 */
export function javaStore(context: StoreContext, options: {systemStore?: string} = {}): TrustStore {
  const record = new AnchorRecord(context.home, 'java')
  let found: Promise<Jdk | undefined> | undefined
  const jdk = () => (found ??= locateJdk(context.env))

  const aliases = async (): Promise<Map<string, Fingerprint[]>> => {
    const {keytool} = (await jdk())!
    const result = await exec([keytool, '-list', '-cacerts', ...STOREPASS, '-rfc'])
    const entries = new Map<string, Fingerprint[]>()
    for (const entry of result.stdout.split(/^Alias name: /m).slice(1)) {
      const alias = entry.slice(0, entry.indexOf('\n')).trim()
      entries.set(
        alias,
        splitPem(entry).map((block) => pemFingerprint(block)),
      )
    }

    return entries
  }

  const admin = async () => {
    const {cacerts} = (await jdk())!
    const target = await realpath(cacerts!).catch(() => cacerts!)
    return access(target, constants.W_OK).then(
      () => false,
      () => true,
    )
  }

  const deleteStep = async (alias: string): Promise<Step> => ({
    admin: await admin(),
    argv: [(await jdk())!.keytool, '-delete', '-cacerts', '-alias', alias, ...STOREPASS],
    kind: 'run',
    why: 'JDK cacerts',
  })

  return {
    id: 'java',
    async installSteps(anchors) {
      const present = await aliases()
      const steps: Step[] = []
      const wanted = new Set<string>()
      for (const [anchor, name] of anchorNames(anchors)) {
        // JKS aliases are case-insensitive and keytool lists them in lower case.
        const alias = `${ALIAS_PREFIX}${name}`.toLowerCase()
        wanted.add(alias)
        if (present.get(alias)?.includes(anchor.cert.fingerprint)) continue
        if (present.has(alias)) steps.push(await deleteStep(alias))
        steps.push(record.writeStep(name, anchor.cert.pem), {
          admin: await admin(),
          argv: [
            (await jdk())!.keytool,
            ...['-importcert', '-cacerts', '-alias', alias, '-noprompt', ...STOREPASS],
            ...['-file', record.path(name)],
          ],
          fix:
            '"Keystore was tampered with, or password was incorrect": this JDK\'s cacerts does not use the ' +
            'default password; import the CA by hand with its password.',
          kind: 'run',
          why: 'JDK cacerts',
        })
      }

      for (const alias of present.keys()) {
        if (alias.startsWith(ALIAS_PREFIX) && !wanted.has(alias)) steps.push(await deleteStep(alias))
      }

      return steps
    },
    async isTrusted(fingerprint: Fingerprint) {
      const found = await jdk()
      if (!found?.cacerts) return false
      return [...(await aliases()).values()].some((prints) => prints.includes(fingerprint))
    },
    name: 'Java cacerts',
    async precheck(): Promise<Readiness> {
      const found = await jdk()
      const where = context.env.JAVA_HOME ? `JAVA_HOME=${context.env.JAVA_HOME}` : 'from `java` on PATH'
      if (!found)
        return {
          fix: 'Set JAVA_HOME to a JDK, or put its `java` on PATH, then run setup again.',
          level: 'warning',
          message: `No JDK with bin/keytool found (${where}); Java was left alone.`,
          ready: false,
        }
      if (!found.cacerts)
        return {
          fix: 'Point JAVA_HOME at a JDK that has lib/security/cacerts, or skip --java.',
          level: 'warning',
          message: `The JDK at ${found.home} has no lib/security/cacerts keystore; Java was left alone.`,
          ready: false,
        }
      const real = await realpath(found.cacerts).catch(() => found.cacerts!)
      const hook = await access(DEBIAN_HOOK).then(
        () => true,
        () => false,
      )
      if (real === DEBIAN_JKS && hook && options.systemStore === 'debian')
        return {
          level: 'note',
          message:
            `Java: ${found.cacerts} is Debian's ${DEBIAN_JKS}, which ca-certificates-java rebuilds ` +
            'from the system store: the Debian install already covers Java.',
          ready: false,
        }
      log('JDK %s, cacerts %s', found.home, real)
      return {notes: [`Java: ${found.cacerts} (via ${found.keytool})`], ready: true}
    },
    async removeSteps() {
      const found = await jdk()
      if (!found?.cacerts) return []
      const steps: Step[] = []
      for (const alias of (await aliases()).keys())
        if (alias.startsWith(ALIAS_PREFIX)) steps.push(await deleteStep(alias))
      const recorded = await record.list()
      return [...steps, ...(recorded.length > 0 ? record.forgetSteps(recorded) : [])]
    },
  }
}

async function locateJdk(env: NodeJS.ProcessEnv): Promise<Jdk | undefined> {
  let home = env.JAVA_HOME
  if (!home) {
    const java = await findOnPath('java', env)
    if (!java) return undefined
    // /usr/bin/java → /etc/alternatives/java → <jdk>/bin/java
    home = dirname(dirname(await realpath(java)))
  }

  const keytool = join(home, 'bin', 'keytool')
  const executable = await access(keytool, constants.X_OK).then(
    () => true,
    () => false,
  )
  if (!executable) return undefined
  for (const candidate of ['lib/security/cacerts', 'jre/lib/security/cacerts']) {
    const path = join(home, candidate)
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return {cacerts: path, home, keytool}
  }

  return {home, keytool}
}

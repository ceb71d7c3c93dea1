import {execa} from 'execa'
import {createHash} from 'node:crypto'
import {mkdir, mkdtemp, readFile, realpath, rm, symlink} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv, dev} from '../helpers/cli.js'
import {type Issued, makeRootCa} from '../helpers/pki.js'
import {bundlePrints, fingerprint, makePinnedProject} from '../helpers/pinned-project.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

const java = await execa('sh', ['-c', 'command -v java'], {reject: false})
const jdk = java.failed ? undefined : dirname(dirname(await realpath(java.stdout.trim())))
const sandboxReason = await sandboxUnavailable()
const skip = !jdk ? 'no JDK (java) on PATH' : sandboxReason
const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex')

/**
 * The JDK's cacerts through the real keytool, only ever inside a namespace: /usr/lib/jvm is an overlay and
 * the keystore it links to (Debian: /etc/ssl/certs/java/cacerts) is the sandbox's temp copy of /etc/ssl.
 * The machine's own keystore is hashed before and after.
 */
describe.skipIf(skip)(`Java cacerts, in a namespace${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let sandbox: Sandbox
  let dir: string
  let project: string
  let root: Issued
  let realStore: string
  let realHash: string
  const home = () => join(dir, 'state')
  const runDev = (args: string[]) =>
    sandbox.run([process.execPath, BIN, 'certs', ...args], {
      cwd: project,
      env: cleanEnv({DEV_CERTS_HOME: home()}),
    })
  const keytool = (args: string[]) =>
    sandbox.run([join(jdk!, 'bin/keytool'), ...args, '-cacerts', '-storepass', 'changeit'])

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-java-'))
    root = makeRootCa({commonName: 'Team Root CA'})
    project = await makePinnedProject(join(dir, 'project'), {'team-root': root})
    realStore = await realpath(join(jdk!, 'lib/security/cacerts'))
    realHash = await sha256(realStore)
    sandbox = await startSandbox({overlays: ['/usr/lib/jvm']})
    // Refuse to go on unless the keystore keytool writes is one of the sandbox's temp copies.
    const target = await sandbox.run(['readlink', '-f', join(jdk!, 'lib/security/cacerts')])
    const where = target.stdout.trim()
    if (!where.startsWith('/etc/ssl/') && !where.startsWith('/usr/lib/jvm/'))
      throw new Error(`cacerts resolves to ${where}, which this sandbox does not cover`)
  })

  afterAll(async () => {
    await sandbox?.stop()
    await rm(dir, {force: true, recursive: true})
    expect(await sha256(realStore)).toBe(realHash)
  })

  it('--dry-run plans one keytool -importcert into -cacerts, by alias', async () => {
    const result = await runDev(['setup', '--no-system', '--java', '--dry-run'])
    expect(result.exitCode, result.stderr).toBe(0)
    const file = join(home(), 'stores', 'java', 'team-root.pem')
    const argv = [
      join(jdk!, 'bin/keytool'),
      '-importcert',
      '-cacerts',
      '-alias',
      'dev-certs-team-root',
      '-noprompt',
    ]
    expect(result.stderr).toContain(
      `run ${JSON.stringify([...argv, '-storepass', 'changeit', '-file', file])}`,
    )
  })

  it('setup imports the CA, as keytool -list then shows, and a second run does nothing', async () => {
    const result = await runDev(['setup', '--no-system', '--java'])
    expect(result.exitCode, result.stderr).toBe(0)
    const listed = await keytool(['-list', '-alias', 'dev-certs-team-root', '-rfc'])
    expect(listed.exitCode, listed.stderr).toBe(0)
    expect([...bundlePrints(listed.stdout)]).toEqual([fingerprint(root)])
    const again = await runDev(['setup', '--no-system', '--java'])
    expect(again.stdout.trim(), again.stderr).toBe('Nothing to do: team-root already set up.')
  })

  it('uninstall deletes our alias and nothing else', async () => {
    const before = await keytool(['-list'])
    const count = (text: string) => Number(/contains (\d+) entr/.exec(text)?.[1])
    const result = await runDev(['uninstall'])
    expect(result.exitCode, result.stderr).toBe(0)
    const after = await keytool(['-list'])
    expect(count(after.stdout)).toBe(count(before.stdout) - 1)
    expect((await keytool(['-list', '-alias', 'dev-certs-team-root'])).exitCode).not.toBe(0)
  })

  it("with Debian's ca-certificates-java hook, the Debian store install covers Java: it says so", async () => {
    const hooked = await startSandbox({hooks: ['jks-keystore'], overlays: ['/usr/lib/jvm']})
    try {
      const result = await hooked.run([process.execPath, BIN, 'certs', 'setup', '--java', '--dry-run'], {
        cwd: project,
        env: cleanEnv({DEV_CERTS_HOME: home()}),
      })
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain('which ca-certificates-java rebuilds from the system store')
      expect(result.stderr).not.toContain('-importcert')
    } finally {
      await hooked.stop()
    }
  })
})

describe.skipIf(!jdk)('Java without a keystore', () => {
  it('a JDK without lib/security/cacerts is a warning, not a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dev-certs-java-bare-'))
    try {
      await mkdir(join(dir, 'jdk/bin'), {recursive: true})
      await symlink(join(jdk!, 'bin/keytool'), join(dir, 'jdk/bin/keytool'))
      const project = await makePinnedProject(join(dir, 'project'), {'team-root': makeRootCa()})
      const env = cleanEnv({DEV_CERTS_HOME: join(dir, 'state'), JAVA_HOME: join(dir, 'jdk')})
      const result = await dev(['certs', 'setup', '--no-system', '--java', '--dry-run'], {cwd: project, env})
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain(
        `warning: The JDK at ${join(dir, 'jdk')} has no lib/security/cacerts keystore`,
      )
      expect(result.stderr).not.toContain('keytool')
    } finally {
      await rm(dir, {force: true, recursive: true})
    }
  })
})

import {copyFile, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv} from '../helpers/cli.js'
import {archUpdateCaTrust, fakeRefresh} from '../helpers/fake-refresh.js'
import {type Issued, makeRootCa} from '../helpers/pki.js'
import {bundlePrints, fingerprint, makePinnedProject} from '../helpers/pinned-project.js'
import {type Sandbox, sandboxUnavailable, startSandbox, type SandboxOptions} from '../helpers/sandbox.js'

const skip = await sandboxUnavailable()

interface Family {
  anchorDir: string
  bundle: string
  /** File name of an authority's anchor. */
  file: (name: string) => string
  id: string
  name: string
  osRelease: string
  /** What the note says about the detection. */
  reason: string
  refresh: string[]
  /** Fake tools and config the family's sandbox needs, given the test's temp dir. */
  seed: (dir: string) => SandboxOptions['seed']
}

const fake = (dir: string, family: {anchorDir: string; bundle: string}) => ({
  content: fakeRefresh({...family, base: join(dir, 'base.pem'), log: join(dir, 'calls.log')}),
  mode: 0o755,
})

const RHEL = {
  anchorDir: '/etc/pki/ca-trust/source/anchors',
  bundle: '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
}
const SUSE = {anchorDir: '/etc/pki/trust/anchors', bundle: '/etc/ssl/ca-bundle.pem'}
const ALPINE = {anchorDir: '/usr/local/share/ca-certificates', bundle: '/etc/ssl/certs/ca-certificates.crt'}
const ARCH = {
  anchorDir: '/etc/ca-certificates/trust-source/anchors',
  bundle: '/etc/ca-certificates/extracted/tls-ca-bundle.pem',
}

/** p11-kit's trust module, told to read Arch's trust-source (and the sandbox's roots) instead of Debian's. */
const archTrustModule = async () =>
  (await readFile('/usr/share/p11-kit/modules/p11-kit-trust.module', 'utf8')).replace(
    /^x-init-reserved:.*$/m,
    'x-init-reserved: paths=/etc/ca-certificates/trust-source:/etc/ssl/certs/ca-certificates.crt',
  )

const FAMILIES: Family[] = [
  {
    ...RHEL,
    file: (name) => `dev-certs-${name}.pem`,
    id: 'rhel',
    name: 'RHEL/Fedora system store (ca-trust)',
    osRelease:
      'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nPRETTY_NAME="Rocky Linux 9.4"\n',
    reason: 'Rocky Linux 9.4: os-release ID=rocky',
    refresh: ['/usr/sbin/update-ca-trust', 'extract'],
    seed: (dir) => ({'/usr/sbin/update-ca-trust': fake(dir, RHEL)}),
  },
  {
    ...SUSE,
    file: (name) => `dev-certs-${name}.pem`,
    id: 'suse',
    name: 'openSUSE/SLES system store',
    osRelease: 'ID="opensuse-leap"\nID_LIKE="suse opensuse"\nPRETTY_NAME="openSUSE Leap 15.6"\n',
    reason: 'openSUSE Leap 15.6: os-release ID=opensuse-leap',
    refresh: ['/usr/sbin/update-ca-certificates'],
    seed: (dir) => ({'/usr/sbin/update-ca-certificates': fake(dir, SUSE)}),
  },
  {
    ...ALPINE,
    file: (name) => `dev-certs-${name}.crt`,
    id: 'alpine',
    name: 'Alpine system store',
    osRelease: 'NAME="Alpine Linux"\nID=alpine\nPRETTY_NAME="Alpine Linux v3.20"\n',
    reason: 'Alpine Linux v3.20: os-release ID=alpine',
    refresh: ['/usr/sbin/update-ca-certificates'],
    seed: (dir) => ({'/usr/sbin/update-ca-certificates': fake(dir, ALPINE)}),
  },
  {
    ...ARCH,
    file: (name) => `dev-certs-${name}.crt`,
    id: 'arch',
    name: 'Arch system store (p11-kit trust-source)',
    osRelease: 'NAME="Manjaro Linux"\nID=manjaro\nID_LIKE=arch\nPRETTY_NAME="Manjaro Linux"\n',
    reason: 'Manjaro Linux: os-release ID=manjaro',
    refresh: ['/usr/sbin/update-ca-trust'],
    seed: () => ({}),
  },
]

/**
 * Each family, end to end in its own private mount namespace: /etc and /usr/sbin are overlays whose writes
 * land in temp dirs, so /etc/pki exists only there and the refresh tool is a fake that records its argv
 * (Arch's runs the real p11-kit `trust`). The family comes from a fake os-release, never from the machine.
 */
describe.skipIf(skip)(`every Linux family, in a sandboxed store${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string
  let teamRoot: Issued
  let edgeRoot: Issued

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-families-'))
    await copyFile('/etc/ssl/certs/ca-certificates.crt', join(dir, 'base.pem'))
    teamRoot = makeRootCa({commonName: 'Team Root CA'})
    edgeRoot = makeRootCa({commonName: 'Edge Root CA'})
  })

  afterAll(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  describe.each(FAMILIES)('$id', (family) => {
    let sandbox: Sandbox
    let work: string
    let project: string
    let home: string
    const calls = async () =>
      (await readFile(join(work, 'calls.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean)
    const runDev = (args: string[]) =>
      sandbox.run([process.execPath, BIN, ...args], {
        cwd: project,
        env: cleanEnv({DEV_CERTS_HOME: home, DEV_CERTS_OS_RELEASE: join(work, 'os-release')}),
      })
    const cat = async (path: string) => (await sandbox.run(['cat', path])).stdout
    const anchor = (name: string) => join(family.anchorDir, family.file(name))

    beforeAll(async () => {
      work = await mkdtemp(join(dir, `${family.id}-`))
      await copyFile(join(dir, 'base.pem'), join(work, 'base.pem'))
      await writeFile(join(work, 'os-release'), family.osRelease)
      project = await makePinnedProject(join(work, 'project'), {
        'edge-gateway': edgeRoot,
        'team-root': teamRoot,
      })
      home = join(work, 'home')
      const seed = family.seed(work) ?? {}
      if (family.id === 'arch') {
        seed['/usr/sbin/update-ca-trust'] = {
          content: archUpdateCaTrust({bundle: family.bundle, log: join(work, 'calls.log')}),
          mode: 0o755,
        }
        seed['/etc/pkcs11/modules/p11-kit-trust.module'] = {content: await archTrustModule()}
      }

      sandbox = await startSandbox({overlays: ['/etc', '/usr/sbin'], seed})
    })

    afterAll(async () => {
      await sandbox?.stop()
    })

    it('--dry-run prints the plan for this family and changes nothing', async () => {
      const result = await runDev(['certs', 'setup', '--dry-run'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain(`OS store: ${family.name} (${family.reason})`)
      for (const name of ['edge-gateway', 'team-root'])
        expect(result.stderr).toContain(`write [admin] ${anchor(name)}  (`)
      expect(result.stderr).toContain(`run [admin] ${JSON.stringify(family.refresh)}`)
      expect(await calls()).toEqual([])
      expect((await sandbox.run(['test', '-e', anchor('team-root')])).exitCode).toBe(1)
      await expect(stat(home)).rejects.toThrow()
    })

    it('setup writes PEM anchors, runs the refresh once, and the bundle then holds both CAs', async () => {
      const result = await runDev(['certs', 'setup'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(await calls()).toEqual([family.refresh.join(' ')])
      for (const [name, issued] of [
        ['edge-gateway', edgeRoot],
        ['team-root', teamRoot],
      ] as const) {
        expect([...bundlePrints(await cat(anchor(name)))]).toEqual([fingerprint(issued)])
        const mode = await sandbox.run(['stat', '-c', '%a', anchor(name)])
        expect(mode.stdout.trim()).toBe('644')
      }

      const trusted = bundlePrints(await cat(family.bundle))
      expect(trusted.has(fingerprint(teamRoot))).toBe(true)
      expect(trusted.has(fingerprint(edgeRoot))).toBe(true)
      // The public roots are still there: the refresh added ours, it did not replace the rest.
      expect(trusted.size).toBeGreaterThan(100)
    })

    it('the second run is a no-op: no admin command, nothing to do', async () => {
      const result = await runDev(['certs', 'setup'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stdout.trim(), result.stderr).toBe(
        'Nothing to do: edge-gateway, team-root already set up.',
      )
      expect(await calls()).toHaveLength(1)
    })

    it('uninstall removes exactly our anchors, refreshes, and the bundle no longer has them', async () => {
      const result = await runDev(['certs', 'uninstall'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(await calls()).toEqual([family.refresh.join(' '), family.refresh.join(' ')])
      const left = await sandbox.run(['ls', '-A', family.anchorDir])
      expect(left.stdout.split('\n').filter((name) => name.startsWith('dev-certs'))).toEqual([])
      const trusted = bundlePrints(await cat(family.bundle))
      expect(trusted.has(fingerprint(teamRoot))).toBe(false)
      expect(trusted.has(fingerprint(edgeRoot))).toBe(false)
      expect(trusted.size).toBeGreaterThan(100)
      await expect(stat(home)).rejects.toThrow()
      const again = await runDev(['certs', 'uninstall'])
      expect(again.stdout).toContain('Nothing to remove')
      expect(await calls()).toHaveLength(2)
    })
  })
})

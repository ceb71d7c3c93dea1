import {chmod, chown, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv} from '../helpers/cli.js'
import {fakeRefresh} from '../helpers/fake-refresh.js'
import {makeRootCa} from '../helpers/pki.js'
import {makePinnedProject} from '../helpers/pinned-project.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

const skip = await sandboxUnavailable()
const NOBODY = 65_534

const OS = {
  debian: 'ID=debian\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
  manjaro: 'ID=manjaro\nID_LIKE=arch\nPRETTY_NAME="Manjaro Linux"\n',
  nixos: 'ID=nixos\nPRETTY_NAME="NixOS 24.05 (Uakari)"\n',
  slackware: 'ID=slackware\nPRETTY_NAME="Slackware 15.0"\n',
  ubuntu: 'ID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 24.04 LTS"\n',
  alpine: 'ID=alpine\nPRETTY_NAME="Alpine Linux v3.20"\n',
}

/**
 * How the store is chosen, and how it fails: always from os-release (or --store / system.store), never from
 * which directories exist; a missing tool stops setup before anything is written, with the family's fix.
 */
describe.skipIf(skip)(`choosing the store${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string
  let project: string
  const home = () => join(dir, 'home')

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-detect-'))
    // mkdtemp makes it 0700; the exit-3 case runs as nobody and must reach its project inside.
    await chmod(dir, 0o755)
    for (const [id, text] of Object.entries(OS)) await writeFile(join(dir, `${id}.os-release`), text)
    await writeFile(join(dir, 'base.pem'), '')
    project = await makePinnedProject(join(dir, 'project'), {
      'team-root': makeRootCa({commonName: 'Team Root'}),
    })
  })

  afterAll(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  const runIn = (sandbox: Sandbox, os: keyof typeof OS, args: string[], cwd = project) =>
    sandbox.run([process.execPath, BIN, ...args], {
      cwd,
      env: cleanEnv({DEV_CERTS_HOME: home(), DEV_CERTS_OS_RELEASE: join(dir, `${os}.os-release`)}),
    })

  describe('on a machine with /etc/pki and update-ca-trust present', () => {
    let sandbox: Sandbox
    beforeAll(async () => {
      const tool = {
        anchorDir: '/etc/pki/ca-trust/source/anchors',
        bundle: '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
      }
      sandbox = await startSandbox({
        overlays: ['/etc', '/usr/sbin'],
        seed: {
          '/etc/pki/ca-trust/source/anchors/.keep': {content: ''},
          '/usr/sbin/update-ca-trust': {
            content: fakeRefresh({...tool, base: join(dir, 'base.pem'), log: join(dir, 'calls.log')}),
            mode: 0o755,
          },
        },
      })
    })
    afterAll(async () => sandbox?.stop())

    it('Ubuntu still gets the Debian store: the family comes from os-release, not from /etc/pki', async () => {
      const result = await runIn(sandbox, 'ubuntu', ['certs', 'setup', '--dry-run'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain(
        'OS store: Debian/Ubuntu system store (Ubuntu 24.04 LTS: os-release ID=ubuntu)',
      )
      expect(result.stderr).toContain(
        'write [admin] /usr/local/share/ca-certificates/dev-certs/team-root.crt',
      )
      expect(result.stderr).toContain('run [admin] ["/usr/sbin/update-ca-certificates"]')
      expect(result.stderr).not.toContain('update-ca-trust')
    })

    it('--store overrides the detection, and says so', async () => {
      const result = await runIn(sandbox, 'debian', ['certs', 'setup', '--dry-run', '--store', 'rhel'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain('OS store: RHEL/Fedora system store (ca-trust) (chosen by --store)')
      expect(result.stderr).toContain(
        'write [admin] /etc/pki/ca-trust/source/anchors/dev-certs-team-root.pem',
      )
      expect(result.stderr).toContain('run [admin] ["/usr/sbin/update-ca-trust","extract"]')
    })

    it('RHEL without root, sudo or a terminal: the exact admin commands, exit 3, and they work', async () => {
      const other = join(dir, 'as-nobody')
      await makePinnedProject(other, {'team-root': makeRootCa({commonName: 'Nobody Root'})})
      for (const path of [other, join(other, 'certs')]) await chown(path, NOBODY, NOBODY)
      const asNobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--']
      const env = cleanEnv({
        DEV_CERTS_HOME: join(other, 'home'),
        DEV_CERTS_OS_RELEASE: join(dir, 'debian.os-release'),
        HOME: other,
      })
      const setup = () =>
        sandbox.run([...asNobody, process.execPath, BIN, 'certs', 'setup', '--store', 'rhel'], {
          cwd: other,
          env,
        })
      const result = await setup()
      expect(result.exitCode, result.stderr).toBe(3)
      const staged = join(other, 'home', 'staged', 'dev-certs-team-root.pem')
      const anchor = '/etc/pki/ca-trust/source/anchors/dev-certs-team-root.pem'
      expect(result.stdout).toContain(`sudo install -D -m 0644 ${staged} ${anchor}`)
      expect(result.stdout).toContain('sudo /usr/sbin/update-ca-trust extract')
      const commands = result.stdout
        .split('\n')
        .filter((line) => line.trim().startsWith('sudo '))
        .map((line) => line.trim().split(' ').slice(1))
      expect(commands).toHaveLength(2)
      for (const argv of commands) expect((await sandbox.run(argv)).exitCode).toBe(0)
      const again = await setup()
      expect(again.exitCode, again.stderr).toBe(0)
      expect(again.stdout).toContain('Nothing to do')
    })

    it('config system.store overrides the detection too', async () => {
      const other = join(dir, 'with-store')
      await makePinnedProject(
        other,
        {'team-root': makeRootCa({commonName: 'Other Root'})},
        {system: {store: 'rhel'}},
      )
      const result = await runIn(sandbox, 'ubuntu', ['certs', 'setup', '--dry-run'], other)
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain(`(chosen by system.store in ${join(other, '.devcerts.json')})`)
      expect(result.stderr).toContain('/etc/pki/ca-trust/source/anchors/dev-certs-team-root.pem')
    })

    it('an unknown store name in the config is a config error that names the key and the choices', async () => {
      const other = join(dir, 'bad-store')
      await makePinnedProject(
        other,
        {'team-root': makeRootCa({commonName: 'Bad Root'})},
        {system: {store: 'gentoo'}},
      )
      const result = await runIn(sandbox, 'ubuntu', ['certs', 'setup', '--dry-run'], other)
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('system.store')
      expect(result.stderr).toContain('alpine, arch, debian, macos, nixos, rhel, suse, windows')
    })

    it('NixOS: nothing to write, the configuration to add is printed, the env files are still set up', async () => {
      const result = await runIn(sandbox, 'nixos', ['certs', 'setup', '--dry-run'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain('NixOS manages its trust store declaratively')
      expect(result.stderr).toContain('security.pki.certificates = [')
      expect(result.stderr).toContain('-----BEGIN CERTIFICATE-----')
      expect(result.stderr).toContain('nixos-rebuild switch')
      expect(result.stderr).not.toContain('[admin]')
      expect(result.stderr).toContain(`write ${join(project, '.env')}`)
    })

    it('an unknown family is skipped with a note that names --store; the env files are still planned', async () => {
      const result = await runIn(sandbox, 'slackware', ['certs', 'setup', '--dry-run'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain('Slackware 15.0 (ID=slackware) is not a supported family; use --store')
      expect(result.stderr).not.toContain('[admin]')
    })
  })

  describe('on a machine without update-ca-certificates or update-ca-trust', () => {
    let sandbox: Sandbox
    beforeAll(async () => {
      // An overlay whiteout hides the real tool inside the namespace only.
      sandbox = await startSandbox({
        overlays: ['/etc', '/usr/sbin'],
        seed: {'/usr/sbin/update-ca-certificates': null},
      })
    })
    afterAll(async () => sandbox?.stop())

    it('Alpine without the tool: exit 1 before anything is written, with `apk add ca-certificates`', async () => {
      const before = await readFile(join(project, '.env')).catch(() => undefined)
      const result = await runIn(sandbox, 'alpine', ['certs', 'setup'])
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('update-ca-certificates is not in /usr/sbin, /usr/bin, /sbin, /bin')
      expect(result.stderr).toContain('apk add ca-certificates')
      await expect(stat(home())).rejects.toThrow()
      expect(await readFile(join(project, '.env')).catch(() => undefined)).toEqual(before)
    })

    it('a refresh that fails shows the command, its exit code, its stderr and the fix', async () => {
      // No update-ca-trust here, so Arch falls back to the real `trust extract-compat`, which Debian's
      // p11-kit does not ship: a genuine failure with a genuine message.
      const result = await runIn(sandbox, 'manjaro', ['certs', 'setup'])
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('`/usr/bin/trust extract-compat` failed with exit code 2')
      expect(result.stderr).toContain('trust-extract-compat')
      expect(result.stderr).toContain(
        'Fix: Check that every file in /etc/ca-certificates/trust-source/anchors',
      )
      await rm(home(), {force: true, recursive: true})
    })
  })
})

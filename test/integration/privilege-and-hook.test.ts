import {chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv, dev} from '../helpers/cli.js'
import {startGateway, type TestGateway} from '../helpers/gateway.js'
import {HOST_BIN, linkPluginIntoHost} from '../helpers/host-cli.js'
import {makeRootCa, pinOf} from '../helpers/pki.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

const skip = await sandboxUnavailable()
const NOBODY = 65_534

describe.skipIf(skip)(
  `privilege and the setup hook, in a sandboxed store${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let sandbox: Sandbox
    let dir: string
    let gateway: TestGateway

    /** A project pinned to a file source, owned by `uid`, with its own DEV_CERTS_HOME. */
    const makeProject = async (name: string, uid = 0) => {
      const project = join(dir, name)
      await mkdir(join(project, 'certs'), {recursive: true})
      const root = makeRootCa({commonName: `${name} Root`})
      await writeFile(join(project, 'certs', 'root.pem'), root.certPem)
      const config = {authorities: [{fingerprints: [pinOf(root.der)], name, source: 'file:certs/root.pem'}]}
      await writeFile(join(project, '.devcerts.json'), JSON.stringify(config))
      for (const path of [project, join(project, 'certs')]) await chown(path, uid, uid)
      return {home: join(project, 'dev-certs-home'), project, root}
    }

    beforeAll(async () => {
      sandbox = await startSandbox()
      dir = await mkdtemp(join(tmpdir(), 'dev-certs-priv-'))
      await chmod(dir, 0o755)
      gateway = await startGateway({leaf: makeRootCa()})
      await linkPluginIntoHost()
    })

    afterAll(async () => {
      await gateway?.close()
      await sandbox?.stop()
      await rm(dir, {force: true, recursive: true})
    })

    it('without root, sudo or a terminal: user files are written, the exact admin commands printed, exit 3', async () => {
      const {home, project} = await makeProject('team-ca', NOBODY)
      const asNobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--']
      const env = cleanEnv({DEV_CERTS_HOME: home, HOME: project})
      const result = await sandbox.run([...asNobody, process.execPath, BIN, 'certs', 'setup'], {
        cwd: project,
        env,
      })
      expect(result.exitCode, result.stderr).toBe(3)
      const staged = join(home, 'staged', 'team-ca.crt')
      const anchor = '/usr/local/share/ca-certificates/dev-certs/team-ca.crt'
      expect(result.stdout).toContain(`sudo install -D -m 0644 ${staged} ${anchor}`)
      expect(result.stdout).toContain('sudo /usr/sbin/update-ca-certificates')
      expect((await stat(join(project, '.env'))).uid).toBe(NOBODY)
      expect((await stat(join(home, 'bundle.pem'))).uid).toBe(NOBODY)
      await expect(stat(join(sandbox.root, 'local-ca', 'dev-certs'))).rejects.toThrow()

      // The printed commands are exact: run them (as root, without sudo, which this machine lacks)…
      const commands = result.stdout
        .split('\n')
        .filter((line) => line.trim().startsWith('sudo '))
        .map((line) => line.trim().split(' ').slice(1))
      for (const argv of commands) expect((await sandbox.run(argv)).exitCode).toBe(0)
      // …and the next run has nothing left to do.
      const again = await sandbox.run([...asNobody, process.execPath, BIN, 'certs', 'setup'], {
        cwd: project,
        env,
      })
      expect(again.exitCode, again.stderr).toBe(0)
      expect(again.stdout).toContain('Nothing to do')
    })

    it("the host's `dev setup` fires the hook, which sets up and never fails the host command", async () => {
      const {home, project} = await makeProject('hooked')
      const env = cleanEnv({DEV_CERTS_HOME: home, HOST_PRINT_RESULTS: '1'})
      const result = await sandbox.run([process.execPath, HOST_BIN, 'setup'], {cwd: project, env})
      expect(result.exitCode, result.stderr).toBe(0)
      expect(JSON.parse(result.stdout.split('\n').at(-1)!)).toEqual([
        {exitCode: 0, manualCommands: [], status: 'changed'},
      ])
      expect(await readdir(join(sandbox.root, 'local-ca', 'dev-certs'))).toContain('hooked.crt')
      const second = await sandbox.run([process.execPath, HOST_BIN, 'setup'], {cwd: project, env})
      expect(JSON.parse(second.stdout.split('\n').at(-1)!)).toEqual([
        {exitCode: 0, manualCommands: [], status: 'up-to-date'},
      ])
    })

    it('DEV_CERTS_SKIP=1 skips the hook, and a clone without .devcerts.json is left alone', async () => {
      const {home, project} = await makeProject('skipped')
      const env = cleanEnv({DEV_CERTS_HOME: home, DEV_CERTS_SKIP: '1', HOST_PRINT_RESULTS: '1'})
      const skipped = await sandbox.run([process.execPath, HOST_BIN, 'setup'], {cwd: project, env})
      expect(JSON.parse(skipped.stdout.split('\n').at(-1)!)).toEqual([{skipped: 'DEV_CERTS_SKIP=1'}])
      const bare = await sandbox.run([process.execPath, HOST_BIN, 'setup'], {
        cwd: dir,
        env: {...env, DEV_CERTS_SKIP: ''},
      })
      expect(JSON.parse(bare.stdout.split('\n').at(-1)!)).toEqual([{skipped: 'no .devcerts.json'}])
      await expect(stat(home)).rejects.toThrow()
    })

    it('a hook that hits a bad config reports it without failing the host command', async () => {
      const {home, project} = await makeProject('broken')
      await writeFile(join(project, '.devcerts.json'), '{"authorities": [}')
      const result = await sandbox.run([process.execPath, HOST_BIN, 'setup'], {
        cwd: project,
        env: cleanEnv({DEV_CERTS_HOME: home}),
      })
      expect(result.exitCode).toBe(0)
      expect(result.stderr).toMatch(/dev-certs: .*broken\/\.devcerts\.json.*invalid JSON/)
      expect(result.stderr).not.toContain('setup hook failed')
    })
  },
)

describe('--shell-profile', () => {
  it('adds one marked line that sources env.sh, and uninstall restores the profile byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dev-certs-profile-'))
    const root = makeRootCa()
    await writeFile(join(dir, 'root.pem'), root.certPem)
    await writeFile(
      join(dir, '.devcerts.json'),
      JSON.stringify({authorities: [{name: 'team', source: 'file:root.pem'}]}),
    )
    const profile = '# my bashrc\nalias ll="ls -l"'
    await writeFile(join(dir, '.bashrc'), profile)
    const env = cleanEnv({DEV_CERTS_HOME: join(dir, 'home'), HOME: dir, SHELL: '/bin/bash'})
    const setup = await dev(['certs', 'setup', '--no-system', '--shell-profile'], {cwd: dir, env})
    expect(setup.exitCode, setup.stderr).toBe(0)
    const wired = await readFile(join(dir, '.bashrc'), 'utf8')
    const ours = wired.split('\n').filter((line) => line.includes('env.sh'))
    expect(ours).toEqual([`[ -f '${dir}/home/env.sh' ] && . '${dir}/home/env.sh'`])
    const shell = await import('execa').then(({execa}) =>
      execa('bash', ['-c', `. '${dir}/.bashrc' 2>/dev/null; printf %s "$NODE_EXTRA_CA_CERTS"`], {
        env,
        extendEnv: false,
      }),
    )
    expect(shell.stdout).toBe(`${dir}/home/team-ca.pem`)
    const uninstall = await dev(['certs', 'uninstall'], {cwd: dir, env})
    expect(uninstall.exitCode, uninstall.stderr).toBe(0)
    expect(await readFile(join(dir, '.bashrc'), 'utf8')).toBe(profile)
    await rm(dir, {force: true, recursive: true})
  })
})

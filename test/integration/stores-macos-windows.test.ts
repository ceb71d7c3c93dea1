import {execa} from 'execa'
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {sha1Of} from '../../src/certs/fingerprint.js'
import {dev} from '../helpers/cli.js'
import {type FakeTools, fakeTools} from '../helpers/fake-bin.js'
import {type Issued, makeRootCa} from '../helpers/pki.js'
import {makePinnedProject} from '../helpers/pinned-project.js'

/** Calls that change something, without the read-only checks (verify-cert, find-certificate, -verifystore). */
const changes = (calls: string[][]) =>
  calls.filter(([, verb, second]) =>
    ['add-trusted-cert', 'remove-trusted-cert', 'delete-certificate', '-addstore', '-delstore'].some(
      (v) => v === verb || v === second,
    ),
  )

/**
 * macOS and Windows through fake `security`, `launchctl`, `certutil` and `whoami` programs on PATH, which keep
 * their stores in a temp dir, record every argv and answer with the real tools' messages. No real store is
 * anywhere near: these run on Linux with `--store macos` / `--store windows`.
 */
describe('macOS keychain, through a fake `security`', () => {
  let dir: string
  let project: string
  let home: string
  let userHome: string
  let tools: FakeTools
  let root: Issued
  const run = (args: string[], extra: Record<string, string> = {}) =>
    dev(['certs', ...args, ...(args[0] === 'setup' ? ['--store', 'macos'] : [])], {
      cwd: project,
      env: tools.env({DEV_CERTS_HOME: home, HOME: userHome, ...extra}),
    })
  const record = () => join(home, 'stores', 'macos-user', 'team-root.pem')
  const login = () => join(userHome, 'Library/Keychains/login.keychain-db')

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-macos-'))
    root = makeRootCa({commonName: 'Team Root CA'})
    project = await makePinnedProject(join(dir, 'project'), {'team-root': root})
    home = join(dir, 'dev-certs-home')
    userHome = join(dir, 'user')
    tools = await fakeTools(dir, ['security', 'launchctl'])
  })

  afterAll(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('--dry-run plans the user domain: login keychain, no sudo, no [admin]', async () => {
    const result = await run(['setup', '--dry-run'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain('OS store: macOS login keychain (user domain) (chosen by --store)')
    expect(result.stderr).toContain(`write ${record()}`)
    const argv = [
      join(tools.bin, 'security'),
      'add-trusted-cert',
      '-r',
      'trustRoot',
      '-p',
      'ssl',
      '-p',
      'basic',
    ]
    expect(result.stderr).toContain(`run ${JSON.stringify([...argv, '-k', login(), record()])}`)
    expect(result.stderr).not.toContain('[admin]')
    expect(changes(await tools.calls())).toEqual([])
  })

  it('setup adds the CA with trust in the user domain, checked with verify-cert', async () => {
    await tools.reset()
    const result = await run(['setup'])
    expect(result.exitCode, result.stderr).toBe(0)
    const calls = await tools.calls()
    expect(changes(calls)).toEqual([
      [
        'security',
        'add-trusted-cert',
        '-r',
        'trustRoot',
        '-p',
        'ssl',
        '-p',
        'basic',
        '-k',
        login(),
        record(),
      ],
    ])
    const verify = calls.find(([, verb]) => verb === 'verify-cert')!
    expect(verify.slice(1, 3)).toEqual(['verify-cert', '-c'])
    expect(verify.slice(4)).toEqual(['-p', 'ssl'])
    const state = (await tools.state()) as {trust: {admin: string[]; user: string[]}}
    expect(state.trust).toEqual({admin: [], user: [sha1Of(root.der)]})
  })

  it('the second run changes nothing: verify-cert says trusted, so nothing is added', async () => {
    await tools.reset()
    const result = await run(['setup'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe('Nothing to do: team-root already set up.')
    expect(changes(await tools.calls())).toEqual([])
  })

  it('uninstall removes the trust setting, then the certificate by SHA-1, and forgets the record', async () => {
    await tools.reset()
    const result = await run(['uninstall'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(changes(await tools.calls())).toEqual([
      ['security', 'remove-trusted-cert', record()],
      ['security', 'delete-certificate', '-Z', sha1Of(root.der), login()],
    ])
    const state = (await tools.state()) as {keychains: Record<string, unknown[]>; trust: unknown}
    expect(state.trust).toEqual({admin: [], user: []})
    expect(state.keychains[login()]).toEqual([])
    await expect(stat(home)).rejects.toThrow()
  })

  it('--system-wide uses the admin domain (-d) and the System keychain, as admin steps, and undoes them', async () => {
    await tools.reset()
    const dry = await run(['setup', '--system-wide', '--dry-run'])
    const system = '/Library/Keychains/System.keychain'
    const recorded = join(home, 'stores', 'macos-system', 'team-root.pem')
    const argv = [
      'add-trusted-cert',
      '-d',
      '-r',
      'trustRoot',
      '-p',
      'ssl',
      '-p',
      'basic',
      '-k',
      system,
      recorded,
    ]
    expect(dry.stderr).toContain(`run [admin] ${JSON.stringify([join(tools.bin, 'security'), ...argv])}`)
    // Tests run as root, so the admin steps run directly (no sudo) against the fake.
    const result = await run(['setup', '--system-wide'])
    expect(result.exitCode, result.stderr).toBe(0)
    const removed = await run(['uninstall'])
    expect(removed.exitCode, removed.stderr).toBe(0)
    expect(changes(await tools.calls())).toEqual([
      ['security', ...argv],
      ['security', 'remove-trusted-cert', '-d', recorded],
      ['security', 'delete-certificate', '-Z', sha1Of(root.der), system],
    ])
  })

  it('a headless session (SSH) is refused before anything is tried, with the manual route and MDM', async () => {
    await tools.reset()
    const result = await run(['setup'], {SSH_CONNECTION: '127.0.0.1 50000 127.0.0.1 22'})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain('this session is headless (an SSH session)')
    expect(result.stderr).toContain('MDM')
    expect(changes(await tools.calls())).toEqual([])
    const outside = await run(['setup', '--dry-run'], {FAKE_SESSION: 'Background'})
    expect(outside.stderr).toContain('launchctl managername says "Background"')
    await run(['uninstall'])
  })

  it("a refused trust change shows the command, exit code, the tool's message and the fix", async () => {
    const result = await run(['setup'], {FAKE_SECURITY_DENY: '1'})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`\`${join(tools.bin, 'security')} add-trusted-cert -r trustRoot`)
    expect(result.stderr).toContain('failed with exit code 1')
    expect(result.stderr).toContain('The authorization was denied since no user interaction was possible.')
    expect(result.stderr).toContain('Fix: errSecInternalComponent')
    await run(['uninstall'])
  })
})

describe('Windows Root store, through a fake `certutil`', () => {
  let dir: string
  let project: string
  let home: string
  let tools: FakeTools
  let root: Issued
  let thumbprint: string
  const run = (args: string[], extra: Record<string, string> = {}) =>
    dev(['certs', ...args, ...(args[0] === 'setup' ? ['--store', 'windows'] : [])], {
      cwd: project,
      env: tools.env({DEV_CERTS_HOME: home, ...extra}),
    })

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-windows-'))
    root = makeRootCa({commonName: 'Team Root CA'})
    thumbprint = sha1Of(root.der)
    project = await makePinnedProject(join(dir, 'project'), {'team-root': root})
    home = join(dir, 'dev-certs-home')
    tools = await fakeTools(dir, ['certutil', 'whoami'])
  })

  afterAll(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('not elevated: CurrentUser\\Root, with a warning that Windows will ask', async () => {
    const result = await run(['setup', '--dry-run'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain('OS store: Windows CurrentUser\\Root (chosen by --store)')
    expect(result.stderr).toContain('Windows will show a security warning dialog')
    const recorded = join(home, 'stores', 'windows-user', 'team-root.pem')
    const argv = [join(tools.bin, 'certutil'), '-user', '-addstore', 'Root', recorded]
    expect(result.stderr).toContain(`run ${JSON.stringify(argv)}`)
  })

  it('setup, a no-op second run, and uninstall by thumbprint: exact argv at each step', async () => {
    await tools.reset()
    const recorded = join(home, 'stores', 'windows-user', 'team-root.pem')
    expect((await run(['setup'])).exitCode).toBe(0)
    const again = await run(['setup'])
    expect(again.stdout.trim()).toBe('Nothing to do: team-root already set up.')
    const removed = await run(['uninstall'])
    expect(removed.exitCode, removed.stderr).toBe(0)
    expect(await tools.calls()).toEqual([
      ['whoami', '/groups'],
      ['certutil', '-user', '-verifystore', 'Root', thumbprint],
      ['certutil', '-user', '-addstore', 'Root', recorded],
      ['whoami', '/groups'],
      ['certutil', '-user', '-verifystore', 'Root', thumbprint],
      ['certutil', '-user', '-verifystore', 'Root', thumbprint],
      ['certutil', '-user', '-delstore', 'Root', thumbprint],
    ])
    expect(await tools.state()).toEqual({machine: [], user: []})
    await expect(stat(home)).rejects.toThrow()
  })

  it('elevated: LocalMachine\\Root with -f, no dialog warning, removed from LocalMachine', async () => {
    await tools.reset()
    const recorded = join(home, 'stores', 'windows-machine', 'team-root.pem')
    const result = await run(['setup'], {FAKE_ELEVATED: '1'})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).not.toContain('security warning dialog')
    expect(((await tools.state()) as {machine: unknown[]}).machine).toHaveLength(1)
    expect((await run(['uninstall'], {FAKE_ELEVATED: '1'})).exitCode).toBe(0)
    expect(changes(await tools.calls())).toEqual([
      ['certutil', '-addstore', '-f', 'Root', recorded],
      ['certutil', '-delstore', 'Root', thumbprint],
    ])
    expect(await tools.state()).toEqual({machine: [], user: []})
  })

  it('uninstall never touches a certificate with the same name that is not ours', async () => {
    await tools.reset()
    const lookalike = makeRootCa({commonName: 'Team Root CA'})
    await writeFile(join(dir, 'lookalike.pem'), lookalike.certPem)
    await dev(['certs', 'setup', '--store', 'windows'], {
      cwd: project,
      env: tools.env({DEV_CERTS_HOME: home}),
    })
    await execa(join(tools.bin, 'certutil'), ['-user', '-addstore', 'Root', join(dir, 'lookalike.pem')], {
      env: tools.env(),
    })
    expect((await run(['uninstall'])).exitCode).toBe(0)
    const left = ((await tools.state()) as {user: Array<{sha1: string}>}).user.map((c) => c.sha1)
    expect(left).toEqual([sha1Of(lookalike.der)])
  })

  it("a cancelled dialog shows the command, certutil's message and the fix, and leaves nothing", async () => {
    const result = await run(['setup'], {FAKE_DIALOG: 'cancel'})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('-user -addstore Root')
    expect(result.stderr).toContain('failed with exit code 199')
    expect(result.stderr).toContain('0x800704c7 (WIN32: 1223 ERROR_CANCELLED)')
    expect(result.stderr).toContain('The operation was canceled by the user.')
    expect(result.stderr).toContain('Fix: ERROR_CANCELLED')
    // The failed run is rolled back: no record of an anchor that was never added, nothing in the store.
    await expect(readFile(join(home, 'stores', 'windows-user', 'team-root.pem'))).rejects.toThrow()
    const user = ((await tools.state()) as {user: Array<{sha1: string}>}).user.map((c) => c.sha1)
    expect(user).not.toContain(thumbprint)
  })
})

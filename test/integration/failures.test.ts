import {chmod, mkdir, readdir, readFile, readlink, rm, stat, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv, dev} from '../helpers/cli.js'
import {failingTool} from '../helpers/fake-refresh.js'
import {makeNssDb} from '../helpers/nss.js'
import {makeProject, removeProjects} from '../helpers/project.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

/** Each failure: exit 1, a message that names the input and the fix, and nothing half-done. */
afterAll(removeProjects)

describe('setup fails cleanly', () => {
  const setup = async (dir: string, home: string) =>
    dev(['certs', 'setup', '--no-system'], {cwd: dir, env: cleanEnv({DEV_CERTS_HOME: home})})

  it('when .env is a directory', async () => {
    const {dir, home} = await makeProject()
    await mkdir(join(dir, '.env'))
    const result = await setup(dir, home)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`${join(dir, '.env')} is a directory, not a file.`)
    expect(result.stderr).toContain('Fix: ')
    await expect(stat(home)).rejects.toThrow()
  })

  it('when .env is UTF-16, which dotenv loaders cannot read', async () => {
    const {dir, home} = await makeProject()
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('A=1\r\n', 'utf16le')])
    await writeFile(join(dir, '.env'), utf16)
    const result = await setup(dir, home)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('is encoded as UTF-16')
    expect(await readFile(join(dir, '.env'))).toEqual(utf16)
    await expect(stat(home)).rejects.toThrow()
  })

  it('when .env is 10 MB', async () => {
    const {dir, home} = await makeProject()
    await writeFile(join(dir, '.env'), Buffer.alloc(10 * 1024 * 1024, 'A'))
    const result = await setup(dir, home)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/is 10485760 bytes; dev-certs edits files up to 1 MiB/)
    await expect(stat(home)).rejects.toThrow()
  })

  it('when DEV_CERTS_HOME is on a drive that is not there', async () => {
    const {dir} = await makeProject()
    const result = await setup(dir, '/mnt/dev-certs-no-such-drive/certs')
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('its parent /mnt/dev-certs-no-such-drive does not exist')
    await expect(stat('/mnt/dev-certs-no-such-drive')).rejects.toThrow()
    await expect(stat(join(dir, '.env'))).rejects.toThrow()
  })
})

const skip = await sandboxUnavailable()

describe.skipIf(skip)(`setup fails cleanly on the file system${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => sandbox?.stop())

  const runIn = (dir: string, home: string, prefix: string[] = []) =>
    sandbox.run([...prefix, process.execPath, BIN, 'certs', 'setup', '--no-system'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home, HOME: dir}),
    })

  it('when the project is on a read-only file system', async () => {
    const {dir} = await makeProject()
    const original = 'KEEP=1\n'
    await writeFile(join(dir, '.env'), original)
    await sandbox.run(['mount', '--bind', dir, dir])
    await sandbox.run(['mount', '-o', 'remount,ro,bind', dir])
    const result = await runIn(dir, join(sandbox.root, 'home-rofs'))
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/EROFS/)
    expect(result.stderr).toContain('read-only')
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(original)
    await expect(stat(join(sandbox.root, 'home-rofs', 'bundle.pem'))).rejects.toThrow()
  })

  it('when the disk fills up (ENOSPC) midway: what was written is rolled back', async () => {
    const {dir} = await makeProject()
    const original = 'KEEP=1\r\n'
    await writeFile(join(dir, '.env'), original)
    const small = join(sandbox.root, 'small')
    await mkdir(small)
    // Room for the small files but not for the ~220 KB bundle.
    await sandbox.run(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small])
    const result = await runIn(dir, join(small, 'home'))
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('ENOSPC')
    expect(result.stderr).toContain('Free some disk space')
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(original)
    const left = await sandbox.run(['ls', '-A', small])
    expect(left.stdout.trim()).toBe('')
  })

  it('when the disk fills up: no file of ours replaced, and the OS store never touched', async () => {
    const {dir, root} = await makeProject()
    const original = 'KEEP=1\n'
    await writeFile(join(dir, '.env'), original)
    const small = join(sandbox.root, 'small-store')
    await mkdir(small)
    await sandbox.run(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small])
    const osBundle = join(sandbox.root, 'etc-ssl', 'certs', 'ca-certificates.crt')
    const before = await readFile(osBundle, 'utf8')
    const result = await sandbox.run([process.execPath, BIN, 'certs', 'setup'], {
      cwd: dir,
      env: cleanEnv({DEBUG: 'dev-certs:exec,dev-certs:fs', DEV_CERTS_HOME: join(small, 'home'), HOME: dir}),
    })
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toContain('ENOSPC')
    // Our own files are all written and synced before any takes its place: none was, so none was put back.
    expect(result.stderr).not.toContain('dev-certs:fs wrote')
    // They come before the store: the anchor and the refresh never ran.
    expect(result.stderr).not.toMatch(/exec run .*update-ca-certificates/)
    expect(await readFile(osBundle, 'utf8')).toBe(before)
    expect(before).not.toContain(root.certPem.split('\n')[1])
    // As root the anchor is staged with our files: the directory made for it goes with it.
    await expect(stat(join(sandbox.root, 'local-ca', 'dev-certs'))).rejects.toThrow()
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(original)
    expect((await sandbox.run(['ls', '-A', small])).stdout.trim()).toBe('')
  })

  /** Runs `work` while the sandbox's update-ca-certificates is a tool that fails, and records its calls. */
  async function withFailingRefresh(work: (calls: string) => Promise<void>): Promise<void> {
    const calls = join(sandbox.root, 'failing-refresh.log')
    const tool = join(sandbox.root, 'failing-refresh')
    await rm(calls, {force: true})
    await writeFile(tool, failingTool({code: 3, log: calls, stderr: 'broken on purpose'}), {mode: 0o755})
    await sandbox.run(['mount', '--bind', tool, '/usr/sbin/update-ca-certificates'])
    try {
      await work(calls)
    } finally {
      await sandbox.run(['umount', '/usr/sbin/update-ca-certificates'])
    }
  }

  const setupInStore = (dir: string, home: string) =>
    sandbox.run([process.execPath, BIN, 'certs', 'setup'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home, HOME: dir}),
    })

  it('when the OS store refresh fails: the anchor and the directory made for it are gone, our files put back', () =>
    withFailingRefresh(async (calls) => {
      const {dir, home} = await makeProject()
      const original = 'KEEP=1\n'
      await writeFile(join(dir, '.env'), original)
      const result = await setupInStore(dir, home)
      expect(result.exitCode, result.stderr).toBe(1)
      expect(result.stderr).toContain('broken on purpose')
      expect(await readFile(calls, 'utf8')).toBe('/usr/sbin/update-ca-certificates\n')
      await expect(stat(join(sandbox.root, 'local-ca', 'dev-certs'))).rejects.toThrow()
      expect(await readFile(join(dir, '.env'), 'utf8')).toBe(original)
      await expect(stat(join(home, 'bundle.pem'))).rejects.toThrow()
    }))

  it('when it fails and .env links into a directory the run made: that directory goes, the link stays', () =>
    withFailingRefresh(async () => {
      const {dir, home} = await makeProject()
      await symlink('newdir/.env', join(dir, '.env'))
      expect((await setupInStore(dir, home)).exitCode).toBe(1)
      await expect(stat(join(dir, 'newdir'))).rejects.toThrow()
      expect(await readlink(join(dir, '.env'))).toBe('newdir/.env')
    }))

  // Found by a breaker: the anchor was taken out, but the store's bundle kept the CA and nothing recorded it.
  it('when a step after the OS refresh fails: the refresh runs again once the anchor is out', async (ctx) => {
    const {dir, home, root} = await makeProject()
    const userHome = join(dir, 'userhome')
    const db = await makeNssDb(join(userHome, '.pki', 'nssdb'))
    const files = ['cert9.db', 'key4.db', 'pkcs11.txt'].map((name) => join(db, name))
    // Reads work, writes fail: certutil -A, the step after the OS store's, cannot add the CA.
    const frozen = await sandbox.run(['chattr', '+i', ...files])
    if (frozen.exitCode !== 0) ctx.skip(`chattr +i is not supported here: ${frozen.stderr}`)
    try {
      const result = await sandbox.run([process.execPath, BIN, 'certs', 'setup', '--yes', '--browsers'], {
        cwd: dir,
        env: cleanEnv({DEBUG: 'dev-certs:exec', DEV_CERTS_HOME: home, HOME: userHome}),
      })
      expect(result.exitCode, result.stderr).toBe(1)
      expect(result.stderr).toContain("run [ '/usr/sbin/update-ca-certificates' ]")
      expect(result.stderr).toContain("run [ '/usr/sbin/update-ca-certificates', '--fresh' ]")
      const bundle = await readFile(join(sandbox.root, 'etc-ssl', 'certs', 'ca-certificates.crt'), 'utf8')
      expect(bundle).not.toContain(root.certPem.split('\n')[1])
      await expect(stat(join(sandbox.root, 'local-ca', 'dev-certs'))).rejects.toThrow()
      expect((await sandbox.run(['find', '/etc/ssl/certs', '-xtype', 'l'])).stdout).toBe('')
      await expect(stat(join(home, 'state.json'))).rejects.toThrow()
    } finally {
      await sandbox.run(['chattr', '-i', ...files])
    }
  })

  // Found by a breaker: the way out of the new directory (..) led the clean-up to a directory that was there.
  it('when it fails and .env links through a new directory into one that was there: that one stays', () =>
    withFailingRefresh(async () => {
      const {dir, home} = await makeProject()
      await mkdir(join(dir, 'keep'))
      await symlink(`${dir}/newdir/../keep/.env`, join(dir, '.env'))
      expect((await setupInStore(dir, home)).exitCode).toBe(1)
      expect((await stat(join(dir, 'keep'))).isDirectory()).toBe(true)
      await expect(stat(join(dir, 'keep', '.env'))).rejects.toThrow()
    }))

  it('when .env belongs to someone else (permission denied)', async () => {
    const {dir} = await makeProject({owner: 65_534})
    const original = 'ROOT_OWNED=1\n'
    await writeFile(join(dir, '.env'), original)
    await chmod(join(dir, '.env'), 0o644)
    const home = join(dir, 'home')
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--']
    const result = await runIn(dir, home, asNobody)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Could not write ${join(dir, '.env')}: EACCES`)
    expect(result.stderr).toContain('Check the permissions')
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(original)
    expect(await readdir(dir).then((names) => names.includes('home'))).toBe(false)
  })
})

/** A usage error is exit 2 on every command, and with --json it is the documented envelope, nothing more. */
describe('usage errors', () => {
  const commands = ['setup', 'uninstall', 'doctor', 'env', 'refresh', 'inspect', 'demo']

  it.each(commands)('certs %s --bogus: exit 2, with and without --json', async (command) => {
    const {dir, home} = await makeProject()
    const env = cleanEnv({DEV_CERTS_HOME: home})
    const plain = await dev(['certs', command, '--bogus'], {cwd: dir, env})
    expect(plain.exitCode, plain.stderr).toBe(2)
    expect(plain.stderr).toContain('--bogus')

    const json = await dev(['certs', command, '--json', '--bogus'], {cwd: dir, env})
    expect(json.exitCode, json.stdout).toBe(2)
    const envelope = JSON.parse(json.stdout) as {
      error: Record<string, unknown>
      exitCode: number
      status: string
    }
    expect(envelope).toEqual({
      error: {
        code: 'USAGE',
        fix: `Run \`dev certs ${command} --help\` for its flags.`,
        message: expect.stringContaining('--bogus'),
      },
      exitCode: 2,
      status: 'error',
    })
    // Nothing else: oclif's own error object carried the whole package.json and the parser's context.
    expect(json.stdout).not.toContain('devDependencies')
    await expect(stat(home)).rejects.toThrow()
  })
})

describe('a .devcerts.json that cannot be read', () => {
  it('found by the search (no --config): the fix names the file, not a flag the user never gave', async () => {
    const {dir, home} = await makeProject()
    const config = join(dir, '.devcerts.json')
    await rm(config)
    await mkdir(config)
    const result = await dev(['certs', 'setup', '--no-system'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home}),
    })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Cannot read the config ${config}`)
    expect(result.stderr).toContain(`Fix: Check ${config}: it must be a readable JSON file.`)
    expect(result.stderr).not.toContain('--config')
  })
})

describe('a .devcerts.json link that leads nowhere', () => {
  it.each([
    ['to itself', '.devcerts.json'],
    ['to a missing file', 'gone.json'],
  ])('%s: setup names the file and fails, instead of looking past it', async (_name, target) => {
    const {dir, home} = await makeProject()
    const config = join(dir, '.devcerts.json')
    await rm(config)
    await symlink(target, config)
    const result = await dev(['certs', 'setup', '--no-system'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home}),
    })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Cannot read the config ${config}`)
    await expect(stat(home)).rejects.toThrow()
  })
})

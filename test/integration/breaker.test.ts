/**
 * Findings of the breaker session: each test states what SHOULD happen. Every `it.fails` reproduces a defect
 * that exists today (the test body fails, so vitest reports it as an expected failure); when the product is
 * fixed, vitest will flag the `it.fails` and it can become a plain `it`.
 */
import {execa} from 'execa'
import {chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile} from 'node:fs/promises'
import {existsSync, readFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv, dev} from '../helpers/cli.js'
import {makeRootCa, pinOf} from '../helpers/pki.js'
import {makeProject, removeProjects} from '../helpers/project.js'

afterAll(removeProjects)

async function writeConfig(dir: string, config: unknown): Promise<void> {
  await writeFile(join(dir, '.devcerts.json'), JSON.stringify(config, null, 2))
}

describe('breaker: shared DEV_CERTS_HOME', () => {
  it("a second project set up on the same (default) home does not replace the first project's CA", async () => {
    const a = await makeProject()
    const b = await makeProject()
    const rootB = makeRootCa({commonName: 'Project B Root'})
    await writeFile(join(b.dir, 'certs', 'root.pem'), rootB.certPem)
    await writeConfig(b.dir, {
      authorities: [{fingerprints: [pinOf(rootB.der)], name: 'team', source: 'file:certs/root.pem'}],
    })
    const fakeUserHome = join(a.dir, 'user-home') // both projects use the default home under $HOME
    await mkdir(fakeUserHome)
    const env = cleanEnv({HOME: fakeUserHome})
    expect((await dev(['certs', 'setup', '--no-system'], {cwd: a.dir, env})).exitCode).toBe(0)
    const second = await dev(['certs', 'setup', '--no-system'], {cwd: b.dir, env})
    expect(second.exitCode, second.stderr).toBe(0)
    // Project A's .env still points NODE_EXTRA_CA_CERTS at the shared team-ca.pem: it must still hold A's CA
    // (today it holds B's only, silently, and A's clients fail; re-running setup in A flips it back).
    const teamCa = await readFile(join(fakeUserHome, '.local/share/dev/certs/team-ca.pem'), 'utf8')
    expect(teamCa).toContain(a.root.certPem.trim())
    expect(teamCa).toContain(rootB.certPem.trim())
    // The union is in a fixed order, so taking turns settles: neither run rewrites the other's files.
    expect((await dev(['certs', 'setup', '--no-system'], {cwd: a.dir, env})).stdout).toMatch(
      /^(Set up|Nothing)/,
    )
    for (const dir of [b.dir, a.dir, b.dir]) {
      const again = await dev(['certs', 'setup', '--no-system', '--json'], {cwd: dir, env})
      expect(JSON.parse(again.stdout).status).toBe('up-to-date')
    }
  })
})

describe('breaker: a cloned repo decides where setup writes', () => {
  it('env.file outside the project (absolute path) is refused, and the target is not touched', async () => {
    const {dir, home} = await makeProject()
    const victimDir = join(dir, '..', `victim-${process.pid}-${Date.now()}`)
    await mkdir(victimDir)
    const victim = join(victimDir, 'sudoers')
    await writeFile(victim, 'root ALL=(ALL:ALL) ALL\n')
    await chmod(victim, 0o440)
    const config = JSON.parse(await readFile(join(dir, '.devcerts.json'), 'utf8'))
    await writeConfig(dir, {...config, env: {file: victim}})
    const result = await dev(['certs', 'setup', '--no-system'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home}),
    })
    // Today: exit 0, and as root the 0440 file gets the block appended (a real /etc/sudoers would break sudo).
    expect(await readFile(victim, 'utf8')).toBe('root ALL=(ALL:ALL) ALL\n')
    expect(result.exitCode).toBe(1)
  })

  it('env.file pointing at .devcerts.json itself is refused instead of corrupting the config', async () => {
    const {dir, home} = await makeProject()
    const config = JSON.parse(await readFile(join(dir, '.devcerts.json'), 'utf8'))
    await writeConfig(dir, {...config, env: {file: '.devcerts.json'}})
    const env = cleanEnv({DEV_CERTS_HOME: home})
    await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
    // Today: the block is appended to the JSON; the fast path then still says "Nothing to do", and any full
    // run (--json, --dry-run) fails with "invalid JSON".
    expect(() => JSON.parse(readFileSync(join(dir, '.devcerts.json'), 'utf8'))).not.toThrow()
  })

  it('a file: source never echoes the content of a non-certificate file (secrets in CI logs)', async () => {
    const {dir, home} = await makeProject()
    const secret = 'https://alice:ghp_SECRETTOKEN1234567890abcdef@github.com\n'
    await writeFile(join(dir, 'git-credentials'), secret)
    await writeConfig(dir, {authorities: [{name: 'team', source: 'file:git-credentials'}]})
    const result = await dev(['certs', 'setup', '--no-system'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home}),
    })
    expect(result.exitCode).toBe(1)
    // Today: `found text that is not PEM ("https://alice:ghp_SECRETTOKEN1234567890a…")`
    expect(result.stderr).not.toContain('ghp_SECRET')
  })
})

describe('breaker: non-regular shared files', () => {
  /** A setup that a read which never ends would hang: the timeout tells. */
  const setupWithin = (dir: string, home: string) =>
    execa(process.execPath, [BIN, 'certs', 'setup', '--no-system'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home}),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 15_000,
    })

  it('a .env that is a FIFO fails fast with exit 1 instead of hanging', async () => {
    const {dir, home} = await makeProject()
    await execa('mkfifo', [join(dir, '.env')])
    const result = await setupWithin(dir, home)
    // Today: blocks forever in readFile on the FIFO (killed by the timeout here).
    expect(result.timedOut).toBe(false)
    expect(result.exitCode).toBe(1)
  })

  it('a state.json that is a FIFO fails fast with exit 1, and is left as it is', async () => {
    const {dir, home} = await makeProject()
    await mkdir(home, {recursive: true})
    await execa('mkfifo', [join(home, 'state.json')])
    const result = await setupWithin(dir, home)
    expect(result.timedOut).toBe(false)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`${join(home, 'state.json')} is not a regular file`)
    expect((await lstat(join(home, 'state.json'))).isFIFO()).toBe(true)
  })

  // Found by a breaker once planning read in parallel: the FIFO's read never ended and hid the refusal.
  it('a .env linked out of the project is refused even when state.json is a FIFO', async () => {
    const {dir, home} = await makeProject()
    const outside = await mkdtemp(join(tmpdir(), 'dev-certs-outside-'))
    await symlink(join(outside, '.env'), join(dir, '.env'))
    await mkdir(home, {recursive: true})
    await execa('mkfifo', [join(home, 'state.json')])
    for (let run = 0; run < 3; run++) {
      const result = await setupWithin(dir, home)
      expect(result.timedOut).toBe(false)
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('outside the project; it was not written')
    }
    expect(existsSync(join(outside, '.env'))).toBe(false)
    await rm(outside, {force: true, recursive: true})
  })
})

describe('breaker: the no-op fast path', () => {
  it('"Nothing to do" is not printed once the trusted CA has expired', async () => {
    const {dir, home} = await makeProject()
    const shortLived = makeRootCa({commonName: 'Short Lived Root', days: 4 / 86_400})
    await writeFile(join(dir, 'certs', 'root.pem'), shortLived.certPem)
    await writeConfig(dir, {
      authorities: [{fingerprints: [pinOf(shortLived.der)], name: 'team', source: 'file:certs/root.pem'}],
    })
    const env = cleanEnv({DEV_CERTS_HOME: home})
    expect((await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})).exitCode).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 6000))
    const full = await dev(['certs', 'setup', '--no-system', '--dry-run'], {cwd: dir, env})
    expect(full.exitCode).toBe(1) // the full path refuses the expired CA...
    const fast = await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
    // ...but the fast path answers "Nothing to do: team already set up." with exit 0.
    expect(fast.stdout).not.toContain('Nothing to do')
    expect(fast.exitCode).toBe(1)
  })
})

describe('breaker: DEV_CERTS_HOME', () => {
  it("setup refuses to overwrite a user's own bundle.pem / env.sh in DEV_CERTS_HOME, and uninstall keeps them", async () => {
    const {dir} = await makeProject()
    const home = join(dir, 'mycerts')
    await mkdir(home)
    await writeFile(join(home, 'bundle.pem'), 'MY OWN BUNDLE\n')
    await writeFile(join(home, 'env.sh'), '# my env\n')
    const env = cleanEnv({DEV_CERTS_HOME: home})
    const setup = await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
    expect(setup.exitCode).toBe(1)
    expect(setup.stderr).toMatch(/mycerts\/(bundle\.pem|env\.sh) exists and was not written by dev-certs/)
    expect(setup.stderr).toContain('Fix: Point DEV_CERTS_HOME at an empty directory')
    expect((await dev(['certs', 'uninstall'], {cwd: dir, env})).exitCode).toBe(0)
    expect(await readFile(join(home, 'bundle.pem'), 'utf8')).toBe('MY OWN BUNDLE\n')
    expect(await readFile(join(home, 'env.sh'), 'utf8')).toBe('# my env\n')
  })

  it('uninstall with no prior setup never deletes files it did not create', async () => {
    const {dir} = await makeProject()
    const home = join(dir, 'mycerts')
    await mkdir(home)
    await writeFile(join(home, 'bundle.pem'), 'MY OWN BUNDLE\n')
    const result = await dev(['certs', 'uninstall'], {cwd: dir, env: cleanEnv({DEV_CERTS_HOME: home})})
    expect(result.exitCode).toBe(0)
    expect(await readdir(home).catch(() => [])).toContain('bundle.pem')
  })

  it('DEV_CERTS_HOME that is a regular file gives a DevCertsError with the fix, not a raw EEXIST', async () => {
    const {dir} = await makeProject()
    const file = join(dir, 'a-file')
    await writeFile(file, 'x\n')
    const result = await dev(['certs', 'setup', '--no-system'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: file}),
    })
    expect(result.exitCode).toBe(1)
    // Today: "    Error: EEXIST: file already exists, mkdir '…/a-file'\n    Code: EEXIST" and no Fix line.
    expect(result.stderr).toMatch(/DEV_CERTS_HOME/)
    expect(result.stderr).toMatch(/^Fix: /m)
  })

  it('uninstall waits for the lock held by a running setup (it must not delete files under it)', async () => {
    const {dir, home} = await makeProject()
    const env = cleanEnv({DEV_CERTS_HOME: home})
    expect((await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})).exitCode).toBe(0)
    // A live lock: this test process, with its real start time, as setup's lock file records it.
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8')
    const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
    await writeFile(join(home, '.lock'), `${process.pid}\n${hostname()}\n${started}\n`)
    const setup = await execa(process.execPath, [BIN, 'certs', 'setup', '--no-system', '--json'], {
      cwd: dir,
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 3000,
    })
    expect(setup.timedOut).toBe(true) // setup respects the lock (prints "waiting for lock")
    await execa(process.execPath, [BIN, 'certs', 'uninstall'], {
      cwd: dir,
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 3000,
    })
    // Today uninstall ignores the lock and removes everything under a running setup.
    expect(await readdir(home)).toContain('bundle.pem')
  })
})

describe('breaker: output truthfulness', () => {
  it('--dry-run does not warn about expiry for a CA that has a year left (the real run does not)', async () => {
    const {dir, home} = await makeProject()
    const env = cleanEnv({DEV_CERTS_HOME: home})
    const dry = await dev(['certs', 'setup', '--no-system', '--dry-run'], {cwd: dir, env})
    const real = await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
    expect(real.stderr).not.toMatch(/expires in/)
    // Today the dry run prints "warning: team: a team CA expires in 364 days …" for any CA.
    expect(dry.stderr).not.toMatch(/expires in/)
  })

  it('--json on an error still prints the documented object (status, exitCode, warnings…)', async () => {
    const {dir, home} = await makeProject()
    await writeFile(join(dir, 'certs', 'root.pem'), 'not a cert\n')
    const result = await dev(['certs', 'setup', '--no-system', '--json'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home}),
    })
    expect(result.exitCode).toBe(1)
    const out = JSON.parse(result.stdout)
    // Today: {"error": {"code": "INTAKE_NOT_A_CERTIFICATE", "oclif": {"exit": 1}, "message": …}}
    expect(out).toHaveProperty('status')
    expect(out).toHaveProperty('exitCode', 1)
  })

  // It was an expected failure until `dev certs env` and `dev certs refresh` existed (issue 5).
  it('the commands that messages tell the user to run exist (inspect, doctor, env, refresh)', async () => {
    const {dir, home} = await makeProject()
    const env = cleanEnv({DEV_CERTS_HOME: home})
    for (const command of ['inspect', 'doctor', 'env', 'refresh']) {
      const result = await dev(['certs', command, '--help'], {cwd: dir, env})
      expect(result.exitCode, `dev certs ${command}: ${result.stderr}`).toBe(0)
    }
  })

  it('a block whose end marker was deleted by hand is kept, and setup and uninstall both name its line', async () => {
    const {dir, home} = await makeProject()
    await writeFile(join(dir, '.env'), 'APP=1\n')
    const env = cleanEnv({DEV_CERTS_HOME: home})
    expect((await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})).exitCode).toBe(0)
    const damaged = (await readFile(join(dir, '.env'), 'utf8')).replace(/^# <<< dev-certs <<<\n/m, '')
    await writeFile(join(dir, '.env'), damaged)
    const setup = await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
    const uninstall = await dev(['certs', 'uninstall'], {cwd: dir, env})
    // Lines we cannot prove are ours are never deleted (a damaged block is kept byte for byte, as the issue
    // asks), but neither run is silent about them: both name the line to clean up by hand.
    for (const run of [setup, uninstall]) {
      expect(run.stderr).toContain(`${join(dir, '.env')}:2 has a dev-certs marker without its pair`)
    }

    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(damaged)
  })
})

describe('breaker: control characters from certificates', () => {
  it('an AIA caIssuers URL with escape sequences and newlines is escaped in the error message', async () => {
    const {dir, home} = await makeProject()
    const uri = Buffer.from('http://127.0.0.1/ca.crt\x1b]0;PWNED\x07\x1b[31m\nError: fake line\r\n', 'latin1')
    const tlv = (tag: number, body: Buffer) =>
      Buffer.concat([Buffer.from(body.length < 128 ? [tag, body.length] : [tag, 0x81, body.length]), body])
    const oid = Buffer.from('06082b06010505073002', 'hex')
    const aia = tlv(0x30, tlv(0x30, Buffer.concat([oid, tlv(0x86, uri)])))
    const run = (args: string[]) => execa('openssl', args, {cwd: dir})
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
    await run([
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'r.key',
      '-out',
      'r.pem',
      '-days',
      '30',
      '-subj',
      '/CN=AIA Root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ])
    await run(['req', '-new', ...ec, '-keyout', 'i.key', '-out', 'i.csr', '-subj', '/CN=AIA Intermediate'])
    await writeFile(
      join(dir, 'ext.cnf'),
      `basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n1.3.6.1.5.5.7.1.1=DER:${aia.toString('hex')}\n`,
    )
    await run([
      'x509',
      '-req',
      '-in',
      'i.csr',
      '-CA',
      'r.pem',
      '-CAkey',
      'r.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      'ext.cnf',
      '-out',
      'int.pem',
    ])
    await writeConfig(dir, {authorities: [{name: 't', source: 'file:int.pem'}]})
    const result = await dev(['certs', 'setup', '--no-system'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home}),
    })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('is an intermediate CA')
    // Today the raw bytes reach the terminal: an OSC title change, a colour, and a forged "Error:" line.
    expect(result.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/)
    expect(result.stderr).not.toMatch(/^Error: fake line/m)
  })
})

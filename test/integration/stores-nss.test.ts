import {execa} from 'execa'
import {chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv, dev} from '../helpers/cli.js'
import {addToNss, makeNssDb, nssEntries, nssPrints} from '../helpers/nss.js'
import {type Issued, makeRootCa} from '../helpers/pki.js'
import {fingerprint, makePinnedProject} from '../helpers/pinned-project.js'
import {sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

const certutil = await execa('certutil', ['-H'], {reject: false})
const noCertutil =
  certutil.failed && certutil.exitCode === undefined ? 'certutil is not installed (libnss3-tools)' : ''

/** --no-system keeps the OS store out; this keeps it out even if that flag broke (no family detected). */
const NO_RELEASE = '/nonexistent/dev-certs-test-os-release'

/** Every place a browser keeps an NSS database, under a temp HOME. */
const PROFILES = [
  '.mozilla/firefox/abc123.default-release',
  'snap/firefox/common/.mozilla/firefox/snap1.default',
  '.var/app/org.mozilla.firefox/.mozilla/firefox/flat1.default-release',
  '.pki/nssdb',
  '.local/share/pki/nssdb',
  'snap/chromium/current/.pki/nssdb',
]

/**
 * Browser NSS databases for real: databases made with `certutil -N` under a temp HOME, the real certutil
 * adding and deleting, and certutil again (not our code) reading the result.
 */
describe.skipIf(noCertutil)(`NSS browser databases${noCertutil ? ` (skipped: ${noCertutil})` : ''}`, () => {
  let dir: string
  let user: string
  let project: string
  let root: Issued
  let stranger: Issued
  const dbs = () => PROFILES.map((profile) => join(user, profile))
  const run = (args: string[], home = user) =>
    dev(['certs', ...args], {
      cwd: project,
      env: cleanEnv({DEV_CERTS_HOME: join(dir, 'state'), DEV_CERTS_OS_RELEASE: NO_RELEASE, HOME: home}),
    })

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-nss-'))
    user = join(dir, 'home')
    root = makeRootCa({commonName: 'Team Root CA'})
    stranger = makeRootCa({commonName: 'Someone Else CA'})
    project = await makePinnedProject(join(dir, 'project'), {'team-root': root})
    for (const db of dbs()) await makeNssDb(db)
    // A profile the browser never finished creating, and a legacy cert8 one: neither is a database we use.
    await mkdir(join(user, '.mozilla/firefox/empty.profile'), {recursive: true})
    await mkdir(join(user, '.mozilla/firefox/old.legacy'), {recursive: true})
    await writeFile(join(user, '.mozilla/firefox/old.legacy/cert8.db'), '')
    await addToNss(join(user, '.pki/nssdb'), 'someone-else', stranger.certPem)
  })

  afterAll(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('--dry-run plans one certutil -A per database, PEM on stdin, and nothing else', async () => {
    const result = await run(['setup', '--no-system', '--browsers', '--dry-run'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(`Browsers: ${PROFILES.length} NSS database(s) of this user.`)
    const planned = result.stderr.split('\n').filter((line) => line.includes('"-A"'))
    expect(planned).toHaveLength(PROFILES.length)
    for (const db of dbs()) {
      const argv = [
        '/usr/bin/certutil',
        '-A',
        '-t',
        'C,,',
        '-n',
        'dev-certs-team-root',
        '-d',
        `sql:${db}`,
        '-a',
      ]
      expect(result.stderr).toContain(`run ${JSON.stringify(argv)} <stdin `)
    }

    expect(result.stderr).not.toContain('empty.profile')
    expect(result.stderr).not.toContain('old.legacy')
  })

  it('setup trusts the CA for TLS ("C,,") in every database, as certutil itself reports', async () => {
    const result = await run(['setup', '--no-system', '--browsers'])
    expect(result.exitCode, result.stderr).toBe(0)
    for (const db of dbs()) {
      expect((await nssEntries(db)).get('dev-certs-team-root'), db).toBe('C,,')
      expect([...(await nssPrints(db, 'dev-certs-team-root'))]).toEqual([fingerprint(root)])
    }
  })

  it('the second run is a no-op', async () => {
    const result = await run(['setup', '--no-system', '--browsers'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe('Nothing to do: team-root already set up.')
  })

  it("uninstall deletes our nickname from every database and leaves everyone else's", async () => {
    const result = await run(['uninstall'])
    expect(result.exitCode, result.stderr).toBe(0)
    for (const db of dbs())
      expect([...(await nssEntries(db)).keys()].filter((n) => n.startsWith('dev-certs'))).toEqual([])
    expect((await nssEntries(join(user, '.pki/nssdb'))).get('someone-else')).toBe('C,,')
    const again = await run(['uninstall'])
    expect(again.stdout).toContain('Nothing to remove')
  })

  it('with system.browsers in the config, a profile created later gets the CA on the next run', async () => {
    const later = join(dir, 'later-home')
    const configured = await makePinnedProject(
      join(dir, 'configured'),
      {'team-root': root},
      {system: {browsers: true}},
    )
    await makeNssDb(join(later, '.pki/nssdb'))
    const env = cleanEnv({
      DEV_CERTS_HOME: join(dir, 'later-state'),
      DEV_CERTS_OS_RELEASE: NO_RELEASE,
      HOME: later,
    })
    expect((await dev(['certs', 'setup', '--no-system'], {cwd: configured, env})).exitCode).toBe(0)
    // A stamp of "nothing changed" cannot see a new profile: this run must still look at the databases.
    const profile = await makeNssDb(join(later, '.mozilla/firefox/new1.default-release'))
    const result = await dev(['certs', 'setup', '--no-system'], {cwd: configured, env})
    expect(result.exitCode, result.stderr).toBe(0)
    expect((await nssEntries(profile)).get('dev-certs-team-root')).toBe('C,,')
    expect((await dev(['certs', 'uninstall'], {cwd: configured, env})).exitCode).toBe(0)
    expect((await nssEntries(profile)).has('dev-certs-team-root')).toBe(false)
  })

  it('no NSS database yet is a warning of its own, and setup still succeeds', async () => {
    const empty = join(dir, 'fresh-home')
    await mkdir(empty)
    const result = await run(['setup', '--no-system', '--browsers', '--dry-run'], empty)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(`warning: No NSS database yet under ${empty}`)
    expect(result.stderr).toContain('Start Firefox or Chromium once')
  })

  it('a database certutil cannot use is "certutil failed", with its output and a fix', async () => {
    const broken = join(dir, 'broken-home')
    await mkdir(join(broken, '.pki/nssdb'), {recursive: true})
    await writeFile(join(broken, '.pki/nssdb/cert9.db'), 'this is not an sqlite database\n')
    const result = await run(['setup', '--no-system', '--browsers'], broken)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(
      `\`/usr/bin/certutil -A -t C,, -n dev-certs-team-root -d sql:${join(broken, '.pki/nssdb')} -a\``,
    )
    expect(result.stderr).toMatch(/failed with exit code \d+:\n\s+certutil: /)
    expect(result.stderr).toContain('SEC_ERROR_BAD_DATABASE')
    expect(result.stderr).toContain('Fix: SEC_ERROR_BAD_DATABASE or SEC_ERROR_READ_ONLY')
    await rm(join(dir, 'state'), {force: true, recursive: true})
  })
})

const skipNs = noCertutil || (await sandboxUnavailable())

/**
 * `sudo dev certs setup --browsers`: the databases belong to SUDO_USER, so certutil runs as that user (through
 * runuser) and no file in their home becomes root's. The user exists only inside the namespace (an /etc
 * overlay with an extra passwd line), and certutil in /usr/bin is hidden in a second case to show
 * "certutil missing" with the family's package.
 */
describe.skipIf(skipNs)(`NSS as SUDO_USER, in a namespace${skipNs ? ` (skipped: ${skipNs})` : ''}`, () => {
  let dir: string
  let project: string
  let home: string
  const UID = 4242

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-nss-sudo-'))
    // mkdtemp makes it 0700: the user's home inside must be reachable by the user.
    await chmod(dir, 0o755)
    project = await makePinnedProject(join(dir, 'project'), {
      'team-root': makeRootCa({commonName: 'Team Root CA'}),
    })
    home = join(dir, 'devtester')
    await makeNssDb(join(home, '.pki/nssdb'))
    await makeNssDb(join(home, '.mozilla/firefox/x1.default'))
    for (const path of [home, join(home, '.pki'), join(home, '.mozilla'), join(home, '.mozilla/firefox')])
      await chown(path, UID, UID)
    for (const db of [join(home, '.pki/nssdb'), join(home, '.mozilla/firefox/x1.default')]) {
      await chown(db, UID, UID)
      for (const file of await readdir(db)) await chown(join(db, file), UID, UID)
    }
  })

  afterAll(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  const passwd = async () => ({
    content: `${await readFile('/etc/passwd', 'utf8')}devtester:x:${UID}:${UID}::${home}:/bin/sh\n`,
  })
  const group = async () => ({content: `${await readFile('/etc/group', 'utf8')}devtester:x:${UID}:\n`})

  it('certutil runs as SUDO_USER through runuser, and every file in their databases stays theirs', async () => {
    const sandbox = await startSandbox({
      overlays: ['/etc'],
      seed: {'/etc/group': await group(), '/etc/passwd': await passwd()},
    })
    try {
      const env = cleanEnv({DEV_CERTS_HOME: join(dir, 'state'), HOME: '/root', SUDO_USER: 'devtester'})
      const dry = await sandbox.run(
        [process.execPath, BIN, 'certs', 'setup', '--no-system', '--browsers', '--dry-run'],
        {cwd: project, env},
      )
      const db = join(home, '.pki/nssdb')
      const argv = ['/usr/sbin/runuser', '-u', 'devtester', '--', '/usr/bin/certutil', '-A', '-t', 'C,,']
      expect(dry.stderr).toContain(
        `run ${JSON.stringify([...argv, '-n', 'dev-certs-team-root', '-d', `sql:${db}`, '-a'])}`,
      )
      expect(dry.stderr).toContain('NSS database(s) of devtester')
      const result = await sandbox.run(
        [process.execPath, BIN, 'certs', 'setup', '--no-system', '--browsers'],
        {cwd: project, env},
      )
      expect(result.exitCode, result.stderr).toBe(0)
      expect((await nssEntries(db)).get('dev-certs-team-root')).toBe('C,,')
      for (const file of await readdir(db)) expect((await stat(join(db, file))).uid, file).toBe(UID)
      const removed = await sandbox.run([process.execPath, BIN, 'certs', 'uninstall'], {cwd: project, env})
      expect(removed.exitCode, removed.stderr).toBe(0)
      expect((await nssEntries(db)).has('dev-certs-team-root')).toBe(false)
      for (const file of await readdir(db)) expect((await stat(join(db, file))).uid, file).toBe(UID)
    } finally {
      await sandbox.stop()
    }
  })

  it('certutil missing is its own warning, with the package to install', async () => {
    const sandbox = await startSandbox({overlays: ['/usr/bin'], seed: {'/usr/bin/certutil': null}})
    try {
      const env = cleanEnv({
        DEV_CERTS_HOME: join(dir, 'state2'),
        HOME: home,
        DEV_CERTS_OS_RELEASE: join(dir, 'os-release'),
      })
      await writeFile(join(dir, 'os-release'), 'ID=fedora\nPRETTY_NAME="Fedora Linux 41"\n')
      const result = await sandbox.run(
        [process.execPath, BIN, 'certs', 'setup', '--no-system', '--browsers', '--dry-run'],
        {cwd: project, env},
      )
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain('warning: certutil is missing')
      expect(result.stderr).toContain('sudo dnf install nss-tools')
    } finally {
      await sandbox.stop()
    }
  })
})

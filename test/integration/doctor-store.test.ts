import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {pemFingerprint, splitPem} from '../../src/bundle/os-roots.js'
import {type DoctorReport} from '../../src/doctor/report.js'
import {BIN, cleanEnv} from '../helpers/cli.js'
import {startGateway, type TestGateway} from '../helpers/gateway.js'
import {type Issued, makeIntermediate, makeLeaf, makeRootCa, pinOf} from '../helpers/pki.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

const skip = await sandboxUnavailable()

/** The `--json` schema (docs/doctor.md), checked key by key and type by type. */
function expectSchema(report: DoctorReport): void {
  const keys = [
    'checks',
    'config',
    'counts',
    'durationMs',
    'exitCode',
    'fixes',
    'offline',
    'schema',
    'status',
  ]
  expect(Object.keys(report).sort()).toEqual((report.fixed ? [...keys, 'fixed'] : keys).sort())
  expect(report.config === null || typeof report.config === 'string').toBe(true)
  expect(typeof report.offline).toBe('boolean')
  expect(report.schema).toBe(1)
  expect(['ok', 'warn', 'fail']).toContain(report.status)
  expect(report.exitCode).toBe(report.status === 'fail' ? 1 : 0)
  expect(Object.keys(report.counts).sort()).toEqual(['fail', 'ok', 'skipped', 'warn'])
  expect(report.checks.map((c) => c.id)).toEqual([
    'config',
    'authorities',
    'store',
    'files',
    'environment',
    'overrides',
    'live',
  ])
  for (const check of report.checks) {
    expect(Object.keys(check).sort()).toEqual(['durationMs', 'findings', 'id', 'status', 'title'])
    expect(typeof check.durationMs).toBe('number')
    for (const finding of check.findings) {
      expect(Object.keys(finding).sort()).toEqual([
        'cause',
        'code',
        'evidence',
        'fix',
        'fixable',
        'id',
        'skipped',
        'status',
        'summary',
      ])
      expect(typeof finding.summary).toBe('string')
      expect(Array.isArray(finding.evidence)).toBe(true)
      expect(finding.fix === null || typeof finding.fix === 'string').toBe(true)
      expect(finding.status === 'ok' || finding.fix !== null, finding.summary).toBe(true)
    }
  }

  for (const fix of report.fixes) expect(Object.keys(fix).sort()).toEqual(['check', 'fix', 'id', 'status'])
}

/**
 * The doctor on a machine that setup set up, with the real Debian store in a private mount namespace:
 * with and without the anchor, through the built CLI, human and --json, and --fix.
 */
describe.skipIf(skip)(`dev certs doctor with a sandboxed store${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let sandbox: Sandbox
  let dir: string
  let project: string
  let certsHome: string
  let userHome: string
  let gateway: TestGateway
  let root: Issued

  const setupEnv = () => cleanEnv({DEV_CERTS_HOME: certsHome, HOME: userHome, SHELL: '/bin/bash'})
  /** A new shell after setup --shell-profile: the profile sourced env.sh. */
  const shellEnv = async (extra: Record<string, string> = {}) => {
    const envSh = await readFile(join(certsHome, 'env.sh'), 'utf8')
    const exported = Object.fromEntries(
      [...envSh.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]),
    )
    return {...setupEnv(), ...exported, ...extra}
  }

  const dev = (args: string[], env: Record<string, string>) =>
    sandbox.run([process.execPath, BIN, ...args], {cwd: project, env})
  const doctorJson = async (args: string[] = [], extra: Record<string, string> = {}) => {
    const result = await dev(['certs', 'doctor', '--json', ...args], await shellEnv(extra))
    return {
      exitCode: result.exitCode,
      report: JSON.parse(result.stdout) as DoctorReport,
      stderr: result.stderr,
    }
  }

  const storeFindings = (report: DoctorReport) => report.checks.find((c) => c.id === 'store')!.findings
  const notOk = (report: DoctorReport) =>
    report.checks.flatMap((c) =>
      c.findings.filter((f) => f.status !== 'ok').map((f) => `${c.id}: ${f.summary}`),
    )
  const trustedInSandbox = async () =>
    new Set(
      splitPem(await readFile(join(sandbox.root, 'etc-ssl/certs/ca-certificates.crt'), 'utf8')).map(
        pemFingerprint,
      ),
    )

  beforeAll(async () => {
    sandbox = await startSandbox()
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-doctor-store-'))
    project = join(dir, 'project')
    certsHome = join(dir, 'certs')
    userHome = join(dir, 'user')
    await mkdir(join(project, 'certs'), {recursive: true})
    await mkdir(userHome)
    root = makeRootCa({commonName: 'Doctor Store Root'})
    const issuing = makeIntermediate(root, {commonName: 'Doctor Store Issuing CA'})
    gateway = await startGateway({chain: [issuing], leaf: makeLeaf(issuing)})
    await writeFile(join(project, 'certs', 'team-root.pem'), root.certPem)
    const config = {
      authorities: [
        {
          fingerprints: [pinOf(root.der)],
          hosts: [gateway.url],
          name: 'team',
          source: 'file:certs/team-root.pem',
        },
      ],
    }
    await writeFile(join(project, '.devcerts.json'), JSON.stringify(config, null, 2))
  })

  afterAll(async () => {
    await gateway?.close()
    await sandbox?.stop()
    await rm(dir, {force: true, recursive: true})
  })

  it('before setup: the doctor fails, exit 1, and lists `dev certs setup` among the fixes', async () => {
    const result = await dev(['certs', 'doctor'], setupEnv())
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('Fixes\n')
    expect(result.stdout).toMatch(/\d\. dev certs setup {2}\(\d+ findings\)/)
    expect(result.stdout).not.toMatch(/\u001B\[/)
    // Nobody chose --no-system yet: the missing anchor is a failure that --fix repairs, store included.
    const json = await dev(['certs', 'doctor', '--json', '--offline'], setupEnv())
    const report = JSON.parse(json.stdout) as DoctorReport
    expect(storeFindings(report)[0]).toMatchObject({fixable: true, status: 'fail'})
    expect(storeFindings(report)[0].summary).not.toContain('--no-system')
  })

  it('after setup --no-system: no anchor in the store, a warning that --fix leaves alone', async () => {
    const setup = await dev(['certs', 'setup', '--no-system', '--shell-profile'], setupEnv())
    expect(setup.exitCode, setup.stderr).toBe(0)
    const {exitCode, report} = await doctorJson()
    expectSchema(report)
    expect(notOk(report)).toEqual([
      'store: team: "CN=Doctor Store Root, O=dev-certs demo" is not in the Debian/Ubuntu system store ' +
        '(setup ran with --no-system)',
    ])
    expect(storeFindings(report)[0]).toMatchObject({fix: 'dev certs setup', fixable: false, status: 'warn'})
    expect(exitCode).toBe(0)
  })

  it('after setup: every check is ok, exit 0 (the "done when" of the doctor)', async () => {
    const setup = await dev(['certs', 'setup'], setupEnv())
    expect(setup.exitCode, setup.stderr).toBe(0)
    const started = Date.now()
    const {exitCode, report} = await doctorJson()
    const wallMs = Date.now() - started
    expectSchema(report)
    expect(notOk(report)).toEqual([])
    expect(report.status).toBe('ok')
    expect(exitCode).toBe(0)
    expect(storeFindings(report)[0].summary).toBe(
      'team: "CN=Doctor Store Root, O=dev-certs demo" is trusted by the Debian/Ubuntu system store',
    )
    // Reported, not asserted: timing depends on the machine.
    console.log(`doctor, all ok, one host: ${report.durationMs} ms in the doctor, ${wallMs} ms for the CLI`)
  })

  it('the human report: grouped by check, no colour with NO_COLOR, colour with FORCE_COLOR', async () => {
    const plain = await dev(['certs', 'doctor'], await shellEnv({NO_COLOR: '1'}))
    expect(plain.exitCode).toBe(0)
    const titles = plain.stdout.split('\n').filter((line) => /^[A-Z]/.test(line))
    expect(titles).toEqual([
      'Config',
      'Authorities',
      'OS store',
      'Files',
      'Environment',
      'Verification switched off',
      'Live',
      expect.stringMatching(/^All ok: \d+ ok, 0 warnings, 0 failures, \d+ skipped \(\d+\.\d\d s\)$/),
    ])
    expect(plain.stdout).not.toMatch(/\u001B\[/)
    const coloured = await dev(['certs', 'doctor'], await shellEnv({FORCE_COLOR: '1'}))
    expect(coloured.stdout).toContain('\u001B[32m✓\u001B[39m')
  })

  it('--offline skips the live handshakes and says so', async () => {
    const {report} = await doctorJson(['--offline'])
    expect(report.offline).toBe(true)
    const live = report.checks.find((c) => c.id === 'live')!.findings
    expect(live).toEqual([
      expect.objectContaining({skipped: true, summary: 'live handshakes not tried (--offline)'}),
    ])
  })

  it('anchor removed from the managed store: fails, exit 1; --fix runs setup, re-check ok', async () => {
    const removed = await sandbox.run(['rm', '-f', '/usr/local/share/ca-certificates/dev-certs/team.crt'])
    expect(removed.exitCode, removed.stderr).toBe(0)
    const refresh = await sandbox.run(['/usr/sbin/update-ca-certificates', '--fresh'])
    expect(refresh.exitCode, refresh.stderr).toBe(0)
    expect((await trustedInSandbox()).has(pinOf(root.der).slice(7).match(/../g)!.join(':') as never)).toBe(
      false,
    )

    const broken = await doctorJson()
    expect(broken.exitCode).toBe(1)
    expect(storeFindings(broken.report)[0]).toMatchObject({
      fix: 'dev certs setup',
      fixable: true,
      status: 'fail',
      summary: 'team: "CN=Doctor Store Root, O=dev-certs demo" is not in the Debian/Ubuntu system store',
    })
    expect(broken.report.fixes).toContainEqual({
      check: 'store',
      fix: 'dev certs setup',
      id: storeFindings(broken.report)[0].id,
      status: 'fail',
    })

    const fixed = await doctorJson(['--fix'])
    expect(fixed.report.fixed?.applied).toEqual([
      expect.stringMatching(/^dev certs setup: changed, \d+ step\(s\)$/),
    ])
    expect(notOk(fixed.report)).toEqual([])
    expect(fixed.exitCode).toBe(0)
    expect((await trustedInSandbox()).has(pinOf(root.der).slice(7).match(/../g)!.join(':') as never)).toBe(
      true,
    )
  })

  it('an anchor file present but not in the rebuilt bundle fails as "not trusted yet"', async () => {
    const refresh = await sandbox.run([
      'sh',
      '-c',
      'mv /usr/local/share/ca-certificates/dev-certs/team.crt /tmp/',
    ])
    expect(refresh.exitCode, refresh.stderr).toBe(0)
    await sandbox.run(['/usr/sbin/update-ca-certificates', '--fresh'])
    await sandbox.run(['mv', '/tmp/team.crt', '/usr/local/share/ca-certificates/dev-certs/team.crt'])
    const {report} = await doctorJson()
    expect(storeFindings(report)[0].summary).toBe(
      'team: "CN=Doctor Store Root, O=dev-certs demo" is in the Debian/Ubuntu system store ' +
        'but not trusted yet: ' +
        'its bundle was not rebuilt',
    )
  })
})

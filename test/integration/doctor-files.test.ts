import {appendFile, chmod, chown, readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {rootCertificates} from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {repair} from '../../src/doctor/fix.js'
import {checkOf, type DoctorProject, makeDoctorProject, problems} from '../helpers/doctor-project.js'
import {type Issued, makeRootCa} from '../helpers/pki.js'

/** Files setup wrote, each broken the way machines break them; the OS bundle is a temp file here. */
describe('dev certs doctor: the files setup wrote', () => {
  let root: Issued
  const projects: DoctorProject[] = []
  const project = async () => {
    const osBundle = join(await tempDir(), 'os-bundle.pem')
    await writeFile(osBundle, rootCertificates.slice(0, 20).join('\n'))
    const made = await makeDoctorProject({env: {DEV_CERTS_OS_BUNDLE: osBundle}, root})
    projects.push(made)
    return {
      bundle: join(made.certsHome, 'bundle.pem'),
      made,
      osBundle,
      teamCa: join(made.certsHome, 'team-ca.pem'),
    }
  }

  const temps: string[] = []
  const tempDir = async () => {
    const {mkdtemp} = await import('node:fs/promises')
    const {tmpdir} = await import('node:os')
    const dir = await mkdtemp(join(tmpdir(), 'dev-certs-osb-'))
    temps.push(dir)
    return dir
  }

  beforeAll(() => {
    root = makeRootCa({commonName: 'Doctor Files Root'})
  })

  afterAll(async () => {
    for (const made of projects) await made.cleanup()
    for (const dir of temps) await rm(dir, {force: true, recursive: true})
  })

  it('right after setup: both files hold the team CA, the public roots match, modes are 0644', async () => {
    const {made} = await project()
    const {report} = await made.doctor({offline: true})
    expect(checkOf(report, 'files').map((f) => `${f.status} ${f.summary}`)).toEqual([
      `ok the CA-only file ${join(made.certsHome, 'team-ca.pem')} holds all 1 team certificate(s)`,
      `ok the bundle ${join(made.certsHome, 'bundle.pem')} holds all 1 team certificate(s)`,
      expect.stringMatching(/^ok the bundle's public roots match .*os-bundle\.pem$/),
    ])
  })

  it('a deleted bundle fails, and the fix is `dev certs setup`', async () => {
    const {bundle, made} = await project()
    await rm(bundle)
    const {report} = await made.doctor({offline: true})
    const finding = checkOf(report, 'files').find((f) => f.id === `file:${bundle}`)!
    expect(finding).toMatchObject({fix: 'dev certs setup', fixable: true, status: 'fail'})
    expect(finding.summary).toBe(`the bundle ${bundle} does not exist`)
  })

  it('a corrupt block fails and names the block (Python would reject the whole file)', async () => {
    const {bundle, made} = await project()
    const text = await readFile(bundle, 'utf8')
    const blocks = text.split('-----END CERTIFICATE-----')
    blocks[2] = blocks[2].replace(/(-----BEGIN CERTIFICATE-----\n)(.{20})/, '$1AAAA$2')
    await writeFile(bundle, blocks.join('-----END CERTIFICATE-----'))
    const {report} = await made.doctor({offline: true})
    const finding = checkOf(report, 'files').find((f) => f.id === `file:${bundle}`)!
    expect(finding.status).toBe('fail')
    expect(finding.summary).toBe(
      `the bundle ${bundle} is unusable: certificate block 3 is corrupt (Python then rejects the whole file)`,
    )
  })

  it('a stale bundle (OS roots changed since setup) warns, with `dev certs refresh` as the fix', async () => {
    const {made, osBundle} = await project()
    await appendFile(osBundle, `\n${makeRootCa({commonName: 'Newly Trusted Corporate Root'}).certPem}`)
    const {findings, report} = await made.doctor({offline: true})
    const finding = checkOf(report, 'files').find((f) => f.id.startsWith('fresh:'))!
    expect(finding.status).toBe('warn')
    expect(finding.summary).toBe(
      `the bundle is stale: it was built from an older copy of ${osBundle}, ` +
        'which has 1 root(s) more and 0 fewer now',
    )
    expect(finding.fix).toBe('dev certs refresh')
    expect(finding.fixable).toBe(true)
    // --fix runs setup, which rebuilds the bundle from today's roots as refresh does.
    await repair(findings, {
      cwd: made.project,
      dataDir: made.dir,
      env: made.shellEnv,
      interactive: false,
      offline: true,
      progress: () => {},
    })
    const again = await made.doctor({offline: true})
    expect(checkOf(again.report, 'files').find((f) => f.id === finding.id)!.status).toBe('ok')
  })

  it("a shared DEV_CERTS_HOME: another project's team CA is ours, not a public root; no stale warning", async () => {
    const first = await project()
    const other = makeRootCa({commonName: 'Other Project Root'})
    // A second project set up with the same home and OS bundle: the bundle now holds both teams' CAs.
    const second = await makeDoctorProject({
      env: {
        DEV_CERTS_HOME: first.made.certsHome,
        DEV_CERTS_OS_BUNDLE: first.osBundle,
        HOME: first.made.userHome,
      },
      root: other,
    })
    projects.push(second)
    expect(await readFile(first.bundle, 'utf8')).toContain(other.certPem.trim())
    for (const made of [first.made, second]) {
      const {report} = await made.doctor({offline: true})
      const finding = checkOf(report, 'files').find((f) => f.id.startsWith('fresh:'))!
      expect(`${finding.status} ${finding.summary}`).toBe(
        `ok the bundle's public roots match ${first.osBundle}`,
      )
      // Both authorities are called "team": the other project's anchor is not this one's stale pin.
      expect(problems(checkOf(report, 'authorities'))).toEqual([])
    }
  })

  it('mode 0600 warns with the exact chmod', async () => {
    const {made, teamCa} = await project()
    await chmod(teamCa, 0o600)
    const {report} = await made.doctor({offline: true})
    const finding = checkOf(report, 'files').find((f) => f.id === `mode:${teamCa}`)!
    expect(finding).toMatchObject({fix: `chmod 0644 ${teamCa}`, fixable: true, status: 'warn'})
    expect(finding.summary).toBe('the CA-only file has mode 0600, not 0644')
  })

  it.skipIf(process.getuid?.() !== 0)(
    'a file owned by another user (a sudo leftover) warns with the chown',
    async () => {
      const {bundle, made} = await project()
      await chown(bundle, 65_534, 65_534)
      const {report} = await made.doctor({offline: true})
      const finding = checkOf(report, 'files').find((f) => f.id === `owner:${bundle}`)!
      expect(finding.status).toBe('warn')
      expect(finding.summary).toBe(`the bundle belongs to uid 65534, not to you (uid ${process.getuid!()})`)
      expect(finding.fix).toMatch(new RegExp(`^sudo chown \\S+ ${bundle}$`))
    },
  )

  it('a variable pointing at a DER file fails: Node loads nothing from it, silently', async () => {
    const {made} = await project()
    const der = join(made.userHome, 'team.der')
    await writeFile(der, root.der)
    const {report} = await made.doctor({env: {...made.shellEnv, NODE_EXTRA_CA_CERTS: der}, offline: true})
    const finding = checkOf(report, 'environment').find((f) => f.id === 'var:this shell:NODE_EXTRA_CA_CERTS')!
    expect(finding.status).toBe('fail')
    expect(finding.summary).toBe(
      `NODE_EXTRA_CA_CERTS in this shell points to ${der}, which cannot be used: it is DER, not PEM: ` +
        'Node loads nothing from it, silently, and Python refuses it',
    )
  })
})

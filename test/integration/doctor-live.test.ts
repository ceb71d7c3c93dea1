import {appendFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type FindingJson} from '../../src/doctor/report.js'
import {runSetup} from '../../src/plan/setup-run.js'
import {checkOf, type DoctorProject, makeDoctorProject, problems} from '../helpers/doctor-project.js'
import {startGateway, type TestGateway} from '../helpers/gateway.js'
import {type Issued, makeIntermediate, makeLeaf, makeRootCa} from '../helpers/pki.js'

const CLIENTS = ['node in-process', 'node https', 'python requests', 'python httpx', 'curl']

/**
 * Live checks against real gateways on 127.0.0.1, each broken in one way the field knows, with the env that
 * setup wrote: every client's verification error is named with its cause and its fix.
 */
describe('dev certs doctor: live handshakes per client', () => {
  let root: Issued
  let issuing: Issued
  let made: DoctorProject
  const gateways: Record<string, TestGateway> = {}
  let live: FindingJson[]
  const of = (name: string, client: string) =>
    live.find((f) => f.id === `live:${gateways[name].url}:${client}`)!

  beforeAll(async () => {
    root = makeRootCa({commonName: 'Doctor Live Root'})
    issuing = makeIntermediate(root, {commonName: 'Doctor Live Issuing CA'})
    const otherRoot = makeRootCa({commonName: 'Someone Else Root'})
    const otherIssuing = makeIntermediate(otherRoot, {commonName: 'Someone Else Issuing CA'})
    gateways.good = await startGateway({chain: [issuing], leaf: makeLeaf(issuing)})
    gateways.dropsIntermediate = await startGateway({leaf: makeLeaf(issuing)})
    gateways.changed = await startGateway({chain: [otherIssuing, otherRoot], leaf: makeLeaf(otherIssuing)})
    gateways.foreignLeafAlone = await startGateway({leaf: makeLeaf(otherRoot)})
    gateways.expired = await startGateway({
      chain: [issuing],
      leaf: makeLeaf(issuing, {days: -2, notBeforeDays: -30}),
    })
    gateways.wrongName = await startGateway({
      chain: [issuing],
      leaf: makeLeaf(issuing, {hosts: ['gateway.example.test']}),
    })
    const hosts = Object.entries(gateways).filter(([name]) => name !== 'dropsIntermediate')
    made = await makeDoctorProject({hosts: hosts.map(([, g]) => g.url), root})
    // Five hosts, five clients each: room for a busy CI machine (no timing is asserted).
    live = checkOf((await made.doctor({timeoutMs: 60_000})).report, 'live')
  })

  afterAll(async () => {
    for (const gateway of Object.values(gateways)) await gateway.close()
    await made?.cleanup()
  })

  it('a gateway that sends its chain verifies in every client, with the env setup wrote', () => {
    expect(
      CLIENTS.map((client) => `${client}: ${of('good', client).status} ${of('good', client).summary}`),
    ).toEqual(CLIENTS.map((client) => `${client}: ok ${of('good', client).summary}`))
    for (const client of CLIENTS) expect(of('good', client).skipped, client).toBe(false)
  })

  const cases: Array<[string, string, RegExp, string]> = [
    [
      'foreignLeafAlone',
      'issuer-unknown',
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to get local issuer certificate/,
      "If it is the team's own intermediate",
    ],
    [
      'changed',
      'pin-mismatch',
      /SELF_SIGNED_CERT_IN_CHAIN|self[- ]signed certificate in certificate chain/,
      'update "fingerprints" in .devcerts.json from a trusted channel',
    ],
    ['expired', 'expired', /CERT_HAS_EXPIRED|certificate has expired/, 'Renew the gateway certificate'],
    [
      'wrongName',
      'hostname-mismatch',
      /ALTNAME|doesn't match|IP address mismatch|no alternative certificate subject name/,
      'reissue the gateway certificate with 127.0.0.1 in its subjectAltName',
    ],
  ]
  for (const [name, cause, error, fix] of cases) {
    it(`${name}: every client fails, with its own error, mapped to "${cause}" and its fix`, () => {
      for (const client of CLIENTS) {
        const finding = of(name, client)
        expect(finding.status, `${client}: ${finding.summary}`).toBe('fail')
        expect(finding.cause, `${client}: ${finding.evidence.join(' | ')}`).toBe(cause)
        expect(finding.evidence[0], client).toMatch(error)
        expect(finding.fix, client).toContain(fix)
      }
    })
  }

  it('the pin mismatch names the certificate the gateway now presents', () => {
    const finding = of('changed', 'curl')
    expect(finding.summary).toContain('the gateway now presents another certificate (pin mismatch)')
    expect(finding.evidence[1]).toContain('issued by "CN=Someone Else Issuing CA')
  })

  it('a leaf from another root, sent alone: its issuer is named, neither blamed as a gap nor trusted', () => {
    for (const client of CLIENTS) {
      const finding = of('foreignLeafAlone', client)
      expect(finding.summary, client).toContain('comes from an issuer that is not a team CA')
      expect(finding.fix, client).toContain('If the team does not know that issuer')
      expect(finding.fix, client).toContain('do not trust it')
      expect(finding.evidence[1], client).toContain(
        'issued by "CN=Someone Else Root, O=dev-certs demo", ' +
          'which is neither in the chain it sends nor a team CA',
      )
    }
  })

  it("a gateway that leaves out the team's intermediate: every client fails, and setup clears it", async () => {
    const project = await makeDoctorProject({hosts: [gateways.dropsIntermediate.url], root})
    try {
      // The team publishes its intermediate after this machine's setup: the doctor knows it, the bundle not.
      await appendFile(join(project.project, 'certs', 'team-root.pem'), issuing.certPem)
      const before = checkOf((await project.doctor({timeoutMs: 60_000})).report, 'live')
      for (const client of CLIENTS) {
        const finding = before.find((f) => f.id.endsWith(`:${client}`))!
        expect(finding.status, `${client}: ${finding.summary}`).toBe('fail')
        expect(finding.cause, `${client}: ${finding.evidence.join(' | ')}`).toBe('intermediate-missing')
        expect(finding.summary).toContain('the gateway does not send its intermediate certificate')
        expect(finding.evidence[0], client).toMatch(
          /UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to get local issuer certificate/,
        )
        expect(finding.evidence[1], client).toContain(
          `without the team's intermediate "CN=Doctor Live Issuing CA, O=dev-certs demo"`,
        )
        expect(finding.fix, client).toContain('Configure the gateway to send its full chain')
      }

      await runSetup({
        cwd: project.project,
        dataDir: project.dir,
        dryRun: false,
        env: project.bareEnv,
        interactive: false,
        progress: () => undefined,
        shellProfile: true,
        system: false,
      })
      const after = checkOf((await project.doctor({timeoutMs: 60_000})).report, 'live')
      expect(problems(after)).toEqual([])
    } finally {
      await project.cleanup()
    }
  })

  it('python and curl absent: reported as not installed, skipped, never as a failure', async () => {
    const only = await makeDoctorProject({hosts: [gateways.good.url], root})
    try {
      const {report} = await only.doctor({curl: '/nonexistent/curl', pythons: ['/nonexistent/python3']})
      const results = checkOf(report, 'live')
      const absent = results.filter((f) => f.skipped)
      expect(absent.map((f) => f.summary)).toEqual([
        `${gateways.good.url.slice(8, -1)} python requests: not installed`,
        `${gateways.good.url.slice(8, -1)} python httpx: not installed`,
        `${gateways.good.url.slice(8, -1)} curl: not installed`,
      ])
      expect(absent.every((f) => f.status === 'ok')).toBe(true)
      expect(problems(results)).toEqual([])
      expect(report.counts.skipped).toBeGreaterThanOrEqual(3)
    } finally {
      await only.cleanup()
    }
  })

  it('python without the library: the next interpreter that has it is used', async () => {
    const only = await makeDoctorProject({hosts: [gateways.good.url], root})
    try {
      const {report} = await only.doctor({pythons: ['/nonexistent/python3', '/usr/bin/python3']})
      const requests = checkOf(report, 'live').find((f) => f.id.endsWith(':python requests'))!
      expect(requests.skipped).toBe(false)
      expect(requests.status).toBe('ok')
    } finally {
      await only.cleanup()
    }
  })

  it('never switches verification off: the user env and ~/.curlrc switches do not reach probes', async () => {
    const insecure = await makeDoctorProject({hosts: [gateways.changed.url], root})
    try {
      await writeFile(join(insecure.userHome, '.curlrc'), 'insecure\n')
      const env = {
        ...insecure.shellEnv,
        CURL_CA_BUNDLE: '',
        GIT_SSL_NO_VERIFY: '1',
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
        PYTHONHTTPSVERIFY: '0',
      }
      const {report} = await insecure.doctor({env})
      const results = checkOf(report, 'live')
      expect(results.map((f) => `${f.id.split(':').at(-1)} ${f.status}`)).toEqual(
        CLIENTS.map((client) => `${client} fail`),
      )
      expect(problems(checkOf(report, 'overrides')).length).toBeGreaterThanOrEqual(4)
    } finally {
      await insecure.cleanup()
    }
  })
})

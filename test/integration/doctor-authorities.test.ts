import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {parseCertificate} from '../../src/certs/certificate.js'
import {daysLeft} from '../../src/certs/validate.js'
import {checkOf, makeDoctorProject} from '../helpers/doctor-project.js'
import {startGateway} from '../helpers/gateway.js'
import {makeIntermediate, makeLeaf, makeRootCa, pinOf} from '../helpers/pki.js'

const ROTATE =
  'Ask the team for the next CA, add its pin beside the current one in .devcerts.json, ' +
  'then run `dev certs setup`.'

describe('dev certs doctor: authorities', () => {
  it('a CA expiring in 10 days warns with the days left and how to rotate', async () => {
    const root = makeRootCa({commonName: 'Short-Lived Root', days: 10})
    const made = await makeDoctorProject({root})
    try {
      const {report} = await made.doctor({offline: true})
      const left = daysLeft(parseCertificate(root.der))
      const expiry = checkOf(report, 'authorities').find((f) => f.id.startsWith('cert:team:'))!
      expect(expiry.status).toBe('warn')
      expect(expiry.summary).toMatch(
        new RegExp(`anchor "CN=Short-Lived Root, .*" expires in ${left} days, on `),
      )
      expect(expiry.fix).toBe(ROTATE)
      expect(report.exitCode).toBe(0)
    } finally {
      await made.cleanup()
    }
  })

  it('an installed anchor that has expired fails, with how to rotate', async () => {
    const expired = makeRootCa({commonName: 'Expired Root', days: -1, notBeforeDays: -400})
    const made = await makeDoctorProject({root: expired, setup: false})
    try {
      // Setup refuses an expired CA, so this is what an old setup left behind: the pinned anchor, installed.
      const config = {
        authorities: [{fingerprints: [pinOf(expired.der)], name: 'team', source: 'tls://127.0.0.1:9'}],
      }
      await writeFile(join(made.project, '.devcerts.json'), JSON.stringify(config))
      await mkdir(made.certsHome, {recursive: true})
      const fp = pinOf(expired.der).slice(7).match(/../g)!.join(':')
      await writeFile(
        join(made.certsHome, 'team-ca.pem'),
        `# team: CN=Expired Root SHA256:${fp}\n${expired.certPem}`,
      )
      const {report} = await made.doctor({offline: true})
      const findings = checkOf(report, 'authorities')
      expect(findings.find((f) => f.id === 'pin:team')!.summary).toBe(
        'team: the installed anchor matches a pin (sources not tried)',
      )
      const expiry = findings.find((f) => f.id.startsWith('cert:team:'))!
      expect(expiry.status).toBe('fail')
      expect(expiry.summary).toMatch(/anchor "CN=Expired Root, .*" expired on \d{4}-\d\d-\d\d/)
      expect(expiry.fix).toBe(ROTATE)
    } finally {
      await made.cleanup()
    }
  })

  it('a CA without keyCertSign warns: Python 3.13 strict verification rejects it', async () => {
    const root = makeRootCa({commonName: 'No KeyUsage Root', withKeyUsage: false})
    const made = await makeDoctorProject({root})
    try {
      const {report} = await made.doctor({offline: true})
      const strict = checkOf(report, 'authorities').find((f) => f.id.startsWith('strict:team:'))!
      expect(strict.status).toBe('warn')
      expect(strict.summary).toContain(
        'has no keyUsage extension: Python 3.13 strict verification rejects it',
      )
      expect(strict.fix).toContain('Reissue the CA with "keyUsage: critical, keyCertSign, cRLSign"')
    } finally {
      await made.cleanup()
    }
  })

  it('a gateway leaf without an AKI warns (Python 3.13 rejects it), though it verifies today', async () => {
    const root = makeRootCa({commonName: 'AKI Root'})
    const issuing = makeIntermediate(root)
    const gateway = await startGateway({chain: [issuing], leaf: makeLeaf(issuing, {authorityKeyId: false})})
    const made = await makeDoctorProject({hosts: [gateway.url], root})
    try {
      const {report} = await made.doctor()
      const aki = checkOf(report, 'authorities').find((f) => f.id === `aki:${gateway.url}`)!
      expect(aki.status).toBe('warn')
      expect(aki.summary).toContain('has no Authority Key Identifier')
      expect(aki.fix).toBe(
        'Reissue the gateway certificate with an authorityKeyIdentifier extension (a server-side fix).',
      )
    } finally {
      await gateway.close()
      await made.cleanup()
    }
  })

  it('a gateway whose certificate changed: its tls:// source is refused as a pin mismatch', async () => {
    const oldRoot = makeRootCa({commonName: 'Old Gateway'})
    const gatewayLeaf = makeLeaf(undefined, {commonName: 'gateway', hosts: ['127.0.0.1']})
    const gateway = await startGateway({leaf: gatewayLeaf})
    const made = await makeDoctorProject({root: oldRoot})
    try {
      const config = {
        authorities: [
          {fingerprints: [pinOf(oldRoot.der)], name: 'team', source: `tls://127.0.0.1:${gateway.port}`},
        ],
      }
      await writeFile(join(made.project, '.devcerts.json'), JSON.stringify(config))
      const {report} = await made.doctor()
      const pin = checkOf(report, 'authorities').find((f) => f.id === 'pin:team')!
      expect(pin.status).toBe('fail')
      expect(pin.summary).toBe(
        `team: tls://127.0.0.1:${gateway.port} now presents another certificate (pin mismatch)`,
      )
      expect(pin.fix).toContain('update the pin in .devcerts.json from a trusted channel')
      const source = checkOf(report, 'config').find((f) => f.id.startsWith('source:team:'))!
      expect(source.status).toBe('ok')
    } finally {
      await gateway.close()
      await made.cleanup()
    }
  })

  it('pins changed after setup: the installed anchor no longer matches a pin; the fix is setup', async () => {
    const oldRoot = makeRootCa({commonName: 'Old Root'})
    const newRoot = makeRootCa({commonName: 'New Root'})
    const made = await makeDoctorProject({root: oldRoot})
    try {
      await writeFile(join(made.project, 'certs', 'team-root.pem'), newRoot.certPem)
      const config = {
        authorities: [{fingerprints: [pinOf(newRoot.der)], name: 'team', source: 'file:certs/team-root.pem'}],
      }
      await writeFile(join(made.project, '.devcerts.json'), JSON.stringify(config))
      const {report} = await made.doctor({offline: true})
      const stale = checkOf(report, 'authorities').find((f) => f.id.startsWith('unpinned:team:'))!
      expect(stale.status).toBe('fail')
      expect(stale.summary).toBe(
        'team: the installed anchor "CN=Old Root, O=dev-certs demo" no longer matches a pin',
      )
      expect(stale.fix).toBe('dev certs setup')
      expect(stale.fixable).toBe(true)
      const files = checkOf(report, 'files').filter((f) => f.status === 'fail')
      expect(files.map((f) => f.summary)).toEqual([
        `the CA-only file ${join(made.certsHome, 'team-ca.pem')} lacks 1 team certificate(s)`,
        `the bundle ${join(made.certsHome, 'bundle.pem')} lacks 1 team certificate(s)`,
      ])
    } finally {
      await made.cleanup()
    }
  })
})

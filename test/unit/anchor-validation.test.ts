import {describe, expect, it} from 'vitest'

import {chooseAnchors} from '../../src/certs/anchor.js'
import {type Certificate} from '../../src/certs/certificate.js'
import {decodeCertificates} from '../../src/certs/decode.js'
import {type Fingerprint} from '../../src/certs/fingerprint.js'
import {IntakeError} from '../../src/certs/intake-error.js'
import {nameConstraintsExtension} from '../helpers/extensions.js'
import {type Issued, makeIntermediate, makeLeaf, makeRootCa} from '../helpers/pki.js'

const read = (...issued: Issued[]): Certificate[] =>
  issued.flatMap((one) => decodeCertificates(Buffer.from(one.certPem), 'test').certificates)
const pin = (cert: Certificate) => cert.fingerprint as Fingerprint

function refused(certs: Certificate[], pins: Fingerprint[] = []): IntakeError {
  try {
    chooseAnchors(certs, pins, 'source')
  } catch (error) {
    expect(error).toBeInstanceOf(IntakeError)
    return error as IntakeError
  }

  throw new Error('accepted')
}

describe('choosing and validating the anchor', () => {
  const root = makeRootCa({commonName: 'Validation Root'})

  it('a self-signed server certificate is accepted with a note to re-trust it when the gateway renews it', () => {
    const [gateway] = read(makeLeaf(undefined, {hosts: ['localhost']}))
    const choice = chooseAnchors([gateway], [pin(gateway)], 'source')
    expect(choice.anchors).toEqual([gateway])
    expect(choice.warnings.join('\n')).toContain('trust must be renewed when the gateway renews it')
  })

  it('a leaf signed by another CA is refused, even when pinned', () => {
    const [leaf] = read(makeLeaf(root))
    expect(refused([leaf]).code).toBe('INTAKE_NOT_A_CA')
    expect(refused([leaf], [pin(leaf)]).code).toBe('INTAKE_NOT_A_CA')
  })

  it('a root with a 1024-bit RSA key is refused, naming the key size and the certificate', () => {
    const [weak] = read(makeRootCa({bits: 1024, commonName: 'Small Key Root'}))
    const error = refused([weak])
    expect(error.message).toContain('its RSA key has 1024 bits; at least 2048 are required')
    expect(error.message).toContain('"CN=Small Key Root, O=dev-certs demo"')
    expect(error.message).toContain(`SHA256:${weak.fingerprint}`)
  })

  it('a root that is not yet valid is refused with its start date', () => {
    const [future] = read(makeRootCa({days: 400, notBeforeDays: 10}))
    expect(refused([future]).message).toContain(
      `it is not valid before ${future.notBefore.toISOString().slice(0, 10)}`,
    )
  })

  it('a root that expires within 30 days is accepted with a warning giving the date', () => {
    const [soon] = read(makeRootCa({days: 10}))
    const choice = chooseAnchors([soon], [], 'source')
    expect(choice.anchors).toEqual([soon])
    expect(choice.warnings.join('\n')).toMatch(/it expires in (9|10) days, on \d{4}-\d\d-\d\d/)
  })

  it('a self-signed root signed with SHA-1 is accepted: a root signature is never checked by clients', () => {
    const [old] = read(makeRootCa({digest: 'sha1'}))
    expect(chooseAnchors([old], [], 'source').anchors).toEqual([old])
  })

  for (const [digest, label] of [
    ['sha1', 'SHA-1 with RSA'],
    ['md5', 'MD5 with RSA'],
  ] as const) {
    it(`an intermediate signed with ${label} is not kept, and the warning says why`, () => {
      const weak = makeIntermediate(root, {digest})
      const choice = chooseAnchors(read(root, weak), [], 'source')
      expect(choice.intermediates).toEqual([])
      expect(choice.warnings.join('\n')).toContain(
        `not kept: it is signed with ${label}, which clients reject`,
      )
    })
  }

  it('an expired intermediate is not kept, and the warning gives its expiry date', () => {
    const expired = makeIntermediate(root, {days: -2, notBeforeDays: -30})
    const choice = chooseAnchors(read(root, expired), [], 'source')
    expect(choice.intermediates).toEqual([])
    expect(choice.warnings.join('\n')).toContain('not kept: it expired on')
  })

  it('an intermediate under another root is neither trusted nor kept', () => {
    const other = makeIntermediate(makeRootCa({commonName: 'Other Root'}))
    const choice = chooseAnchors(read(root, other), [], 'source')
    expect(choice.anchors.map((c) => c.subject)).toEqual(['CN=Validation Root, O=dev-certs demo'])
    expect(choice.intermediates).toEqual([])
  })

  it('a file of many roots and no pin (a public CA bundle) is refused, and a pin picks the team root from it', () => {
    const roots = [
      root,
      ...[1, 2, 3].map((n) => makeRootCa({bits: 1024 + 1024 * (n % 2), commonName: `Public ${n}`})),
    ]
    const certs = read(...roots)
    const error = refused(certs)
    expect(error.code).toBe('INTAKE_TOO_MANY_ROOTS')
    expect(error.fix).toContain('dev certs inspect')
    expect(chooseAnchors(certs, [pin(certs[0])], 'source').anchors).toEqual([certs[0]])
  })

  it('a pin that matches nothing refuses the source and lists what was found, with fingerprints', () => {
    const [found] = read(root)
    const error = refused([found], ['AA:'.repeat(31).concat('AA') as Fingerprint])
    expect(error.code).toBe('INTAKE_PIN_MISMATCH')
    expect(error.message).toContain(`SHA256:${found.fingerprint}`)
    expect(error.message).toContain('"CN=Validation Root, O=dev-certs demo"')
  })

  it('name constraints that exclude a team host give a warning naming the host and the constraint', () => {
    const constrained = makeRootCa({
      extensions: [nameConstraintsExtension(['corp.example.test'], ['old.corp.example.test'])],
    })
    const certs = read(constrained)
    const hosts = ['api.corp.example.test', 'old.corp.example.test', 'gateway.example.test', '127.0.0.1']
    const warnings = chooseAnchors(certs, [], 'source', {hosts}).warnings.join('\n')
    expect(warnings).toContain('old.corp.example.test (excluded: DNS:old.corp.example.test)')
    expect(warnings).toContain('gateway.example.test (permitted only: DNS:corp.example.test)')
    expect(warnings).not.toContain('api.corp.example.test')
    expect(warnings).not.toContain('127.0.0.1')
  })

  it('name constraints on an IP range warn for an address outside it and not for one inside', () => {
    const constrained = makeRootCa({extensions: [nameConstraintsExtension(['127.0.0.0/8'])]})
    const warnings = chooseAnchors(read(constrained), [], 'source', {
      hosts: ['127.1.2.3', '10.0.0.1'],
    }).warnings
    expect(warnings.join('\n')).toContain('10.0.0.1 (permitted only: IP:127.0.0.0/255.0.0.0)')
    expect(warnings.join('\n')).not.toContain('127.1.2.3')
  })

  it('name constraints that allow every team host give no warning', () => {
    const constrained = makeRootCa({extensions: [nameConstraintsExtension(['example.test'])]})
    expect(
      chooseAnchors(read(constrained), [], 'source', {hosts: ['gateway.example.test']}).warnings,
    ).toEqual([])
  })
})

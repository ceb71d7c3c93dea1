import {describe, expect, it} from 'vitest'

import {parseCertificate} from '../../src/certs/certificate.js'
import {diagnose, explain} from '../../src/doctor/cause.js'
import {type Issued, makeIntermediate, makeLeaf, makeRootCa} from '../helpers/pki.js'

const gatewayUrl = new URL('https://127.0.0.1:8443/')
const cert = (issued: Issued) => parseCertificate(issued.der)

/** The cause read from the chain a gateway presents, with the team CAs the doctor holds. */
describe('doctor: the cause of a failed handshake', () => {
  const root = makeRootCa({commonName: 'Cause Team Root'})
  const issuing = makeIntermediate(root, {commonName: 'Cause Team Issuing CA'})
  const foreign = makeRootCa({commonName: 'Cause Foreign Root'})

  it('a leaf sent alone whose issuer is nowhere: an unknown issuer, neither blamed nor excused', () => {
    const diagnosis = diagnose(gatewayUrl, [cert(makeLeaf(foreign))], [cert(root)])
    expect(diagnosis.cause).toBe('issuer-unknown')
    // An intermediate the team never published gives the very same chain to look at.
    expect(diagnose(gatewayUrl, [cert(makeLeaf(issuing))], [cert(root)]).cause).toBe('issuer-unknown')
    const explained = explain(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'unable to verify the first certificate',
      diagnosis,
      '127.0.0.1',
    )
    expect(explained.fix).toContain("If it is the team's own intermediate")
    expect(explained.fix).toContain('from another CA: do not trust it')
    expect(explain('ETIMEDOUT', 'no answer within 10 s', diagnosis, '127.0.0.1').cause).toBe('unreachable')
    expect(diagnosis.detail).toMatch(/issued by "CN=Cause Foreign Root, O=dev-certs demo", which is neither/)
  })

  it("a leaf from the team's intermediate, which the team CAs hold but the gateway leaves out", () => {
    const diagnosis = diagnose(gatewayUrl, [cert(makeLeaf(issuing))], [cert(root), cert(issuing)])
    expect(diagnosis.cause).toBe('intermediate-missing')
    expect(diagnosis.detail).toContain(`without the team's intermediate "CN=Cause Team Issuing CA`)
  })

  it('the full chain from the team: nothing to say', () => {
    const leaf = makeLeaf(issuing)
    expect(diagnose(gatewayUrl, [cert(leaf), cert(issuing)], [cert(root), cert(issuing)])).toEqual({})
    expect(diagnose(gatewayUrl, [cert(leaf), cert(issuing)], [cert(root)])).toEqual({})
  })

  it('a client that fails for another reason is not blamed on the missing intermediate', () => {
    const diagnosis = diagnose(gatewayUrl, [cert(makeLeaf(issuing))], [cert(root), cert(issuing)])
    const host = '127.0.0.1'
    expect(
      explain('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate', diagnosis, host),
    ).toMatchObject({cause: 'intermediate-missing'})
    expect(
      explain('curl 60', 'SSL certificate problem: unable to get local issuer certificate', diagnosis, host),
    ).toMatchObject({cause: 'intermediate-missing'})
    expect(explain('ETIMEDOUT', 'no answer within 10 s', diagnosis, host)).toMatchObject({
      cause: 'unreachable',
    })
    expect(explain('EPROTO', 'sslv3 alert handshake failure', diagnosis, host)).toMatchObject({
      cause: 'unknown',
    })
  })
})

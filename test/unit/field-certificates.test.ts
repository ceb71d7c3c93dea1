import {X509Certificate} from 'node:crypto'
import {describe, expect, it} from 'vitest'

import {renderTeamCa} from '../../src/bundle/bundle.js'
import {decodeCertificates} from '../../src/certs/decode.js'
import {IntakeError} from '../../src/certs/intake-error.js'
import {parseTeamConfig} from '../../src/config/parse.js'
import {acquireAuthority, type Authority} from '../../src/sources/acquire.js'
import {CASES, caseFile, caseFingerprints} from '../helpers/cases.js'

const PRINTS = caseFingerprints()

/** Runs real intake on a case file: config parsing, the file source, decoding, anchor choice, validation. */
async function intake(file: string, pins: string[] = []): Promise<Authority> {
  const config = {authorities: [{fingerprints: pins, name: 'team', source: `file:${CASES}certs/${file}`}]}
  const [authority] = parseTeamConfig(JSON.stringify(config), `${CASES}.devcerts.json`).authorities
  return acquireAuthority(authority, {})
}

async function refusal(file: string, pins: string[] = []): Promise<IntakeError> {
  const error = await intake(file, pins).then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(IntakeError)
  return error as IntakeError
}

const fingerprints = (certs: Array<{fingerprint: string}>) =>
  certs.map((cert) => `SHA256:${cert.fingerprint}`)

/** What every client gets: PEM, LF, UTF-8 without BOM, and each block loadable by OpenSSL. */
function expectCleanPem(text: string): void {
  expect(text.charCodeAt(0)).not.toBe(0xfeff)
  expect(text).not.toContain('\r')
  expect(text).not.toContain('\0')
  expect(Buffer.from(text, 'utf8').toString('ascii')).toBe(text)
  const blocks = text.match(/-----BEGIN CERTIFICATE-----\n[^-]+-----END CERTIFICATE-----\n/g) ?? []
  expect(blocks.length).toBeGreaterThan(0)
  for (const block of blocks) expect(() => new X509Certificate(block)).not.toThrow()
}

describe('certificates from the field (shared/cases/certs)', () => {
  it('a proper root CA is accepted as the anchor', async () => {
    const authority = await intake('root.pem')
    expect(fingerprints(authority.anchors)).toEqual([PRINTS['root.pem']])
    expect(authority.warnings).toEqual([])
  })

  it('a DER root from a Windows or Azure portal is accepted and written out as PEM', async () => {
    const authority = await intake('root.der.cer', [PRINTS['root.pem']])
    expect(fingerprints(authority.anchors)).toEqual([PRINTS['root.pem']])
    const written = renderTeamCa([authority])
    expectCleanPem(written)
    expect(written).toContain(authority.anchors[0].pem)
  })

  it('a PEM with a UTF-8 BOM and CRLF line ends is accepted and written out with LF and no BOM', async () => {
    expect(caseFile('certs/root-crlf-bom.pem').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const authority = await intake('root-crlf-bom.pem')
    expect(fingerprints(authority.anchors)).toEqual([PRINTS['root.pem']])
    expectCleanPem(renderTeamCa([authority]))
  })

  it('a PEM saved as UTF-16LE by PowerShell is decoded, and never written out as UTF-16', async () => {
    const decoded = decodeCertificates(caseFile('certs/root-utf16le.pem'), 'root-utf16le.pem')
    expect(decoded.encoding).toBe('utf-16le')
    const authority = await intake('root-utf16le.pem')
    expect(fingerprints(authority.anchors)).toEqual([PRINTS['root.pem']])
    expectCleanPem(renderTeamCa([authority]))
  })

  for (const file of ['chain.p7b', 'chain-pem.p7b']) {
    it(`a PKCS#7 bundle (${file}) yields the root as anchor and keeps the intermediate for the bundle`, async () => {
      const authority = await intake(file, [PRINTS['root.pem']])
      expect(fingerprints(authority.anchors)).toEqual([PRINTS['root.pem']])
      expect(fingerprints(authority.intermediates)).toEqual([PRINTS.intermediate])
      expectCleanPem(renderTeamCa([authority]))
    })
  }

  it('a full chain with the leaf first yields the root, and the leaf is never installed as trusted', async () => {
    const authority = await intake('fullchain-leaf-first.pem')
    expect(fingerprints(authority.anchors)).toEqual([PRINTS['root.pem']])
    expect(fingerprints(authority.intermediates)).toEqual([PRINTS.intermediate])
    const leaf = decodeCertificates(caseFile('certs/leaf-only.pem'), 'leaf').certificates[0]
    expect(renderTeamCa([authority])).not.toContain(leaf.pem.split('\n')[1])
  })

  it('an intermediate alone is not taken as a root: the message says it is not self-signed and names its issuer', async () => {
    const error = await refusal('intermediate-only.pem')
    expect(error.code).toBe('INTAKE_NOT_SELF_SIGNED')
    expect(error.message).toContain('not self-signed')
    expect(error.message).toContain('Its issuer is "O=Example Team, CN=Example Team Gateway Root CA"')
    expect(error.fix).toContain('Get the certificate of "O=Example Team, CN=Example Team Gateway Root CA"')
  })

  it('an intermediate is refused even when it is the pinned certificate', async () => {
    const error = await refusal('intermediate-only.pem', [PRINTS.intermediate])
    expect(error.code).toBe('INTAKE_NOT_SELF_SIGNED')
  })

  it('a server certificate is refused as not a CA, with its subject and issuer in the message', async () => {
    const error = await refusal('leaf-only.pem')
    expect(error.code).toBe('INTAKE_NOT_A_CA')
    expect(error.message).toContain('"CN=gateway.example.test"')
    expect(error.message).toContain('issuer "O=Example Team, CN=Example Team Gateway Issuing CA 1"')
    expect(error.message).toContain('CA:FALSE')
  })

  it('an expired root is refused with its expiry date', async () => {
    const error = await refusal('expired-root.pem', [PRINTS['expired-root.pem']])
    expect(error.code).toBe('INTAKE_REFUSED')
    expect(error.message).toContain('it expired on 2021-01-01')
    expect(error.message).toContain(PRINTS['expired-root.pem'])
  })

  it('a root followed by its private key: the key is never copied and the file is named for a warning', async () => {
    const authority = await intake('root-with-private-key.pem')
    expect(authority.privateKeyIn).toEqual([`${CASES}certs/root-with-private-key.pem`])
    expect(fingerprints(authority.anchors)).toEqual([PRINTS['root.pem']])
    const written = renderTeamCa([authority])
    expect(written).not.toMatch(/PRIVATE KEY/)
    const keyBody = /-----BEGIN [A-Z ]*PRIVATE KEY-----\s+(\S{20})/.exec(
      caseFile('certs/root-with-private-key.pem').toString(),
    )
    expect(keyBody).not.toBeNull()
    expect(written).not.toContain(keyBody![1])
  })

  it('a CA without keyUsage is accepted with a warning about Python 3.13 strict verification', async () => {
    const authority = await intake('root-no-keyusage.pem')
    expect(fingerprints(authority.anchors)).toEqual([PRINTS['root-no-keyusage.pem']])
    expect(authority.warnings.join('\n')).toMatch(
      /no keyUsage extension; Python 3\.13 strict verification rejects/,
    )
  })

  it('during a rotation both roots are trusted when both are pinned', async () => {
    const authority = await intake('rotation-two-roots.pem', [PRINTS.rootold, PRINTS['root.pem']])
    expect(fingerprints(authority.anchors).sort()).toEqual([PRINTS.rootold, PRINTS['root.pem']].sort())
  })

  for (const pinned of ['root.pem', 'rootold']) {
    it(`during a rotation only the pinned root (${pinned}) is trusted, and the other is named as not pinned`, async () => {
      const authority = await intake('rotation-two-roots.pem', [PRINTS[pinned]])
      expect(fingerprints(authority.anchors)).toEqual([PRINTS[pinned]])
      const other = pinned === 'root.pem' ? PRINTS.rootold : PRINTS['root.pem']
      expect(authority.warnings.join('\n')).toContain(`${other} was also found but is not pinned`)
    })
  }

  it('a corrupt second block refuses the whole file and says which block', async () => {
    const error = await refusal('corrupt-second-block.pem')
    expect(error.code).toBe('INTAKE_CORRUPT_PEM')
    expect(error.message).toMatch(/PEM block 2 \(CERTIFICATE, line \d+\) is not valid base64/)
    expect(error.message).toContain('corrupt-second-block.pem')
  })

  it('an empty file is refused, naming the file and saying it is empty', async () => {
    const error = await refusal('empty.pem')
    expect(error.code).toBe('INTAKE_EMPTY')
    expect(error.message).toBe(`${CASES}certs/empty.pem is empty: no certificate in it.`)
  })

  it('a text file is refused, naming the file and what was found, without quoting its content', async () => {
    const error = await refusal('not-a-cert.txt')
    expect(error.code).toBe('INTAKE_NOT_A_CERTIFICATE')
    expect(error.message).toContain(`${CASES}certs/not-a-cert.txt holds no certificate`)
    expect(error.message).toMatch(
      /holds no certificate: found \d+ lines? of text with no -----BEGIN CERTIFICATE----- block/,
    )
    expect(error.message).not.toContain('Hello')
  })

  it('the gateway material decodes: a leaf for the gateway names and its issuing intermediate', () => {
    const [leaf] = decodeCertificates(caseFile('certs/gateway/leaf.pem'), 'leaf.pem').certificates
    const [intermediate] = decodeCertificates(
      caseFile('certs/gateway/intermediate.pem'),
      'int.pem',
    ).certificates
    expect(`SHA256:${leaf.fingerprint}`).toBe(PRINTS.leaf)
    expect(`SHA256:${intermediate.fingerprint}`).toBe(PRINTS.intermediate)
    expect(leaf.subjectAltNames).toEqual(
      expect.arrayContaining(['DNS:gateway.example.test', 'DNS:localhost']),
    )
  })
})

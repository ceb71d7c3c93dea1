import {X509Certificate} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {rootCertificates} from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {pemFingerprint, readOsRoots} from '../../src/bundle/os-roots.js'

/** Public roots: what the combined bundle starts from, and the fingerprints every store check compares. */
describe('readOsRoots', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-roots-'))
  })
  afterAll(() => rm(dir, {force: true, recursive: true}))

  it('fingerprints each block as node:crypto does, and drops repeats however they are wrapped', async () => {
    const some = rootCertificates.slice(0, 5)
    // The same root again with CRLF line ends and 76-column lines: one root, not two.
    const body = some[0].replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replaceAll(/\s/g, '')
    const rewrapped = `-----BEGIN CERTIFICATE-----\r\n${body.match(/.{1,76}/g)!.join('\r\n')}\r\n-----END CERTIFICATE-----\r\n`
    const bundle = join(dir, 'bundle.crt')
    await writeFile(bundle, [...some, rewrapped].join('\n'))
    const roots = await readOsRoots({DEV_CERTS_OS_BUNDLE: bundle})
    expect(roots.origin).toBe(bundle)
    expect(roots.blocks).toHaveLength(5)
    const expected = some.map((pem) => new X509Certificate(pem).fingerprint256)
    expect(roots.fingerprints).toEqual(expected)
    expect(pemFingerprint(rewrapped)).toBe(expected[0])
  })

  it('without an OS bundle, falls back to the roots Node carries', async () => {
    const roots = await readOsRoots({DEV_CERTS_OS_BUNDLE: join(dir, 'no-such-bundle.crt')})
    expect(roots.origin).toBe('node:tls')
    const distinct = new Set(rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256))
    expect(roots.blocks).toHaveLength(distinct.size)
    expect(new Set(roots.fingerprints)).toEqual(distinct)
  })
})

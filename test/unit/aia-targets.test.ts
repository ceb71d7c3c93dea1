import {describe, expect, it} from 'vitest'

import {refusedTarget} from '../../src/sources/aia.js'

// Pure checks on URL values: nothing here opens a connection.
describe('caIssuers URLs from an unpinned certificate', () => {
  for (const url of [
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/ca.crt',
    'http://[fd00:ec2::254]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA/',
  ]) {
    it(`are not followed to a link-local or metadata address (${url})`, () => {
      expect(refusedTarget(new URL(url))).toMatch(/link-local address|cloud metadata host/)
    })
  }

  for (const url of [
    'http://127.0.0.1:8080/root.cer',
    'http://pki.example.test/root.p7c',
    'https://[::1]/ca',
  ]) {
    it(`are followed to an ordinary host (${url})`, () => {
      expect(refusedTarget(new URL(url))).toBeUndefined()
    })
  }
})

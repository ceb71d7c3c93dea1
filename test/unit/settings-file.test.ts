import {describe, expect, it} from 'vitest'

import {readSetting, type SettingsFormat, settingLineOf, writeSetting} from '../../src/env/settings-file.js'

const VALUE = '/home/dev/.local/share/dev/certs/bundle.pem'

const CASES: Array<{format: SettingsFormat; key: string; texts: Record<string, string>}> = [
  {
    format: {kind: 'npmrc'},
    key: 'cafile',
    texts: {
      empty: '',
      'other keys, no final newline': 'fund=false\n; a comment\naudit=false',
      'a scoped section after the top-level keys': 'fund=false\n[scope]\nx=1\n',
      'an existing value': 'cafile=/old.pem\nfund=false\n',
    },
  },
  {
    format: {kind: 'ini', section: 'default'},
    key: 'ca_bundle',
    texts: {
      empty: '',
      'another section only': '[profile x]\nregion = a\n',
      'the section, then another': '[default]\nregion = eu\n\n[profile x]\nregion = a\n',
      'CRLF and an existing value': '[default]\r\nca_bundle = /old.pem\r\nregion = eu\r\n',
    },
  },
  {
    format: {kind: 'yaml'},
    key: 'ssl_verify',
    texts: {
      empty: '',
      'a nested list': 'channels:\n  - conda-forge\n',
      'a single-quoted value': "ssl_verify: '/old.pem'\nchannels: []\n",
    },
  },
]

describe('one setting in a tool config file', () => {
  for (const {format, key, texts} of CASES) {
    for (const [name, text] of Object.entries(texts)) {
      it(`${format.kind}, ${name}: set reads back, and putting the old line back restores every byte`, () => {
        const set = writeSetting(text, format, key, VALUE)
        expect(readSetting(set, format, key)).toBe(VALUE)
        const previous = settingLineOf(text, format, key)
        const back =
          previous === undefined
            ? writeSetting(set, format, key, undefined)
            : writeSetting(set, format, key, readSetting(text, format, key), previous)
        expect(back).toBe(text)
      })
    }
  }

  it('reads the quoting each format allows', () => {
    expect(readSetting('cafile="/a;b.pem"\n', {kind: 'npmrc'}, 'cafile')).toBe('/a;b.pem')
    expect(readSetting("ssl_verify: 'it''s.pem'\n", {kind: 'yaml'}, 'ssl_verify')).toBe("it's.pem")
    expect(readSetting('ssl_verify: /p.pem # comment\n', {kind: 'yaml'}, 'ssl_verify')).toBe('/p.pem')
    expect(readSetting('[global]\ncert = /a b.pem\n', {kind: 'ini', section: 'global'}, 'cert')).toBe(
      '/a b.pem',
    )
  })

  it('a path with quotes and # round-trips through each format', () => {
    const path = `/h/it's "a" #dir/bundle.pem`
    for (const {format, key} of CASES)
      expect(readSetting(writeSetting('', format, key, path), format, key)).toBe(path)
  })
})

import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {ConfigError} from '../../src/config/config-error.js'
import {parseTeamConfig} from '../../src/config/parse.js'
import {CASES, caseFile} from '../helpers/cases.js'
import {check, type Schema} from '../helpers/json-schema.js'

const SCHEMA = JSON.parse(
  readFileSync(new URL('../../schema/devcerts.schema.json', import.meta.url), 'utf8'),
) as Schema
const PIN = `SHA256:${'94:7F:6C:63:48:EE:0B:10:33:95:F7:E1:E9:D8:8A:26:F7:AE:63:9B:57:36:91:09:B1:AB:B0:BF:0F:6D:61:3F'}`

function configError(file: string): ConfigError {
  const path = `${CASES}config/${file}`
  try {
    parseTeamConfig(caseFile(`config/${file}`).toString('utf8'), path)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message.startsWith(`${path} (line `)).toBe(true)
    return error as ConfigError
  }

  throw new Error(`${file} was accepted`)
}

/** The case's own JSON, checked against the shipped schema: the schema must flag the same key. */
function schemaErrors(file: string): string[] {
  return check(SCHEMA, JSON.parse(caseFile(`config/${file}`).toString('utf8')))
}

describe('team configs from the field (shared/cases/config)', () => {
  it('a tls:// source without a pin is refused, and the fix shows how to get the pin with dev certs inspect', () => {
    const error = configError('tls-source-without-pin.json')
    expect(error.key).toBe('authorities[0].fingerprints')
    expect(error.position).toEqual({column: 5, line: 3})
    expect(error.message).toContain('at least one pinned SHA-256 fingerprint is required')
    expect(error.fix).toContain('dev certs inspect tls://gateway.example.test:443')
    expect(schemaErrors('tls-source-without-pin.json')).toEqual(['authorities[0]: required fingerprints'])
  })

  it('a SHA-1 pin is refused and SHA-256 is asked for', () => {
    const error = configError('sha1-fingerprint.json')
    expect(error.key).toBe('authorities[0].fingerprints[0]')
    expect(error.position).toEqual({column: 24, line: 4})
    expect(error.message).toContain('SHA-1 pins are not accepted')
    expect(error.message).toContain('Use the SHA-256 fingerprint')
    expect(schemaErrors('sha1-fingerprint.json')).toContain('authorities[0].fingerprints: oneOf')
  })

  for (const file of ['name-path-traversal.json', 'name-shell-metachar.json']) {
    it(`a name that is not letters, digits, ".", "_", "-" is refused (${file})`, () => {
      const error = configError(file)
      expect(error.key).toBe('authorities[0].name')
      expect(error.position).toEqual({column: 7, line: 3})
      expect(error.message).toContain('use only letters, digits, ".", "_" and "-"')
      expect(schemaErrors(file)).toEqual(['authorities[0].name: pattern'])
    })
  }

  it('a misspelled key is refused with a did-you-mean', () => {
    const error = configError('misspelled-key.json')
    expect(error.key).toBe('authorities[0].fingerprint')
    expect(error.position).toEqual({column: 64, line: 3})
    expect(error.message).toContain('unknown key "fingerprint"; did you mean "fingerprints"?')
    expect(schemaErrors('misspelled-key.json')).toEqual(['authorities[0].fingerprint: additionalProperties'])
  })

  it('a trailing comma is refused with the file, line and column of the comma', () => {
    const error = configError('trailing-comma.json')
    expect(error.message).toMatch(/trailing-comma\.json \(line 3, column 62, at authorities\[0\]\.source\): /)
    expect(error.message).toContain('a trailing comma after the last item')
    const line = caseFile('config/trailing-comma.json').toString('utf8').split('\n')[2]
    expect(line[61]).toBe(',')
  })
})

describe('config errors beyond the field cases', () => {
  it('a key written twice is refused at the second one, since JSON would silently drop the first', () => {
    const text = `{
  "authorities": [
    {"name": "a", "source": "tls://127.0.0.1:8443", "fingerprints": ["${PIN}"],
     "fingerprints": []}
  ]
}`
    let error: unknown
    try {
      parseTeamConfig(text, '/project/.devcerts.json')
    } catch (caught) {
      error = caught
    }

    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toBe(
      '/project/.devcerts.json (line 4, column 6, at authorities[0].fingerprints): ' +
        'the key "fingerprints" is written twice; JSON keeps only the last one.',
    )
  })

  it('a config cut short names the line and column where it ends', () => {
    let error: unknown
    try {
      parseTeamConfig('{\n  "authorities": [\n    {"name": "a"', '/project/.devcerts.json')
    } catch (caught) {
      error = caught
    }

    expect((error as ConfigError).message).toMatch(
      /^\/project\/\.devcerts\.json \(line 3, column 17, at authorities\[0\]\.name\): invalid JSON: /,
    )
  })

  it('a syntax error names the line, the column and the key it follows', () => {
    const text = '{\n  "authorities": [\n    {"name": "a" "source": "file:a.pem"}\n  ]\n}\n'
    let error: unknown
    try {
      parseTeamConfig(text, '/project/.devcerts.json')
    } catch (caught) {
      error = caught
    }

    expect((error as ConfigError).message).toMatch(
      /^\/project\/\.devcerts\.json \(line 3, column 18, at authorities\[0\]\.name\): invalid JSON: /,
    )
  })
})

describe('the JSON Schema agrees with the config parser', () => {
  const valid: Record<string, unknown> = {
    'the documented example': {
      $schema: './node_modules/@dev-certs/plugin-certs/schema/devcerts.schema.json',
      authorities: [
        {
          fingerprints: [PIN],
          hosts: ['https://gateway.example.test/', 'api.example.test'],
          name: 'team-gateway',
          source: ['file:certs/team-root.pem', 'tls://gateway.example.test:443'],
        },
      ],
      env: {file: '.env.local'},
    },
    'a file source needs no pin': {authorities: [{name: 'local', source: 'file:ca.cer'}]},
    'one pin as a plain string, lower case, sha256/ prefix': {
      authorities: [
        {fingerprints: `sha256/${PIN.slice(7).toLowerCase()}`, name: 'a', source: 'https://127.0.0.1/ca'},
      ],
    },
    'an env source': {authorities: [{name: 'ci', source: 'env:TEAM_CA'}]},
  }
  const invalid: Record<string, unknown> = {
    'no authorities': {authorities: []},
    'an unknown top-level key': {authorities: [{name: 'a', source: 'file:a.pem'}], extra: 1},
    'an unknown env key': {authorities: [{name: 'a', source: 'file:a.pem'}], env: {path: '.env'}},
    'a name of dots': {authorities: [{name: '..', source: 'file:a.pem'}]},
    'an unknown source kind': {authorities: [{name: 'a', source: 'ftp://127.0.0.1/ca.pem'}]},
    'a network source in a list without a pin': {
      authorities: [{name: 'a', source: ['file:a.pem', 'tls://127.0.0.1']}],
    },
    'a pin of 63 hex digits': {
      authorities: [{fingerprints: [PIN.slice(0, -1)], name: 'a', source: 'file:a.pem'}],
    },
    'an empty pin list for a network source': {
      authorities: [{fingerprints: [], name: 'a', source: 'tls://127.0.0.1'}],
    },
    'a source that is not a string': {authorities: [{name: 'a', source: 42}]},
  }

  const parses = (config: unknown) => {
    try {
      parseTeamConfig(JSON.stringify(config, null, 2), '/project/.devcerts.json')
      return true
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      return false
    }
  }

  for (const [name, config] of Object.entries(valid)) {
    it(`${name}: the parser and the schema both accept it`, () => {
      expect(check(SCHEMA, config)).toEqual([])
      expect(parses(config)).toBe(true)
    })
  }

  for (const [name, config] of Object.entries(invalid)) {
    it(`${name}: the parser and the schema both refuse it`, () => {
      expect(check(SCHEMA, config)).not.toEqual([])
      expect(parses(config)).toBe(false)
    })
  }
})

import {describe, expect, it} from 'vitest'

import {IntakeError} from '../../src/certs/intake-error.js'
import {parseTeamConfig} from '../../src/config/parse.js'
import {acquireAuthority} from '../../src/sources/acquire.js'
import {makeRootCa, shownPin} from '../helpers/pki.js'

const root = makeRootCa({commonName: 'Env Root'})

async function fromEnv(value: string | undefined) {
  const config = {authorities: [{name: 'ci', source: 'env:TEAM_CA'}]}
  const [authority] = parseTeamConfig(JSON.stringify(config), '/project/.devcerts.json').authorities
  return acquireAuthority(authority, {TEAM_CA: value})
}

describe('env: sources', () => {
  it('reads PEM from the variable', async () => {
    const authority = await fromEnv(root.certPem)
    expect(authority.anchors.map((c) => `SHA256:${c.fingerprint}`)).toEqual([shownPin(root.der)])
    expect(authority.origin).toBe('environment variable TEAM_CA')
  })

  it('reads PEM whose newlines were written as \\n, as CI secret stores often do', async () => {
    const authority = await fromEnv(root.certPem.replaceAll('\n', '\\n'))
    expect(authority.anchors[0].der).toEqual(root.der)
  })

  it('reads base64 of the DER certificate', async () => {
    const authority = await fromEnv(root.der.toString('base64'))
    expect(authority.anchors[0].der).toEqual(root.der)
    expect(authority.origin).toBe('environment variable TEAM_CA (base64)')
  })

  it('refuses an unset variable, naming it', async () => {
    const error = await fromEnv(undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IntakeError)
    expect((error as IntakeError).message).toBe('environment variable TEAM_CA is not set or empty.')
  })

  it('refuses a value that is neither PEM nor base64', async () => {
    const error = await fromEnv('not a certificate!').catch((e: unknown) => e)
    expect((error as IntakeError).message).toBe('environment variable TEAM_CA holds neither PEM nor base64.')
  })

  it('refuses base64 that does not decode to a certificate, naming the variable', async () => {
    const error = await fromEnv(Buffer.from('hello world, not DER').toString('base64')).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(IntakeError)
    expect((error as IntakeError).message).toContain('environment variable TEAM_CA (base64)')
  })
})

import {existsSync, readFileSync} from 'node:fs'
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseTeamConfig} from '../../src/config/parse.js'
import {type Gateway, startGateway} from '../../src/demo/gateway.js'
import {acquireAuthority} from '../../src/sources/acquire.js'
import {type Inspection} from '../../src/sources/inspect.js'
import {CASES, caseFingerprints} from '../helpers/cases.js'
import {cleanEnv, dev} from '../helpers/cli.js'
import {check, type Schema} from '../helpers/json-schema.js'
import {type Issued, makeIntermediate, makeLeaf, makeRootCa, shownPin} from '../helpers/pki.js'
import {startWebServer} from '../helpers/servers.js'

const SCHEMA = JSON.parse(
  readFileSync(new URL('../../schema/devcerts.schema.json', import.meta.url), 'utf8'),
) as Schema

describe('dev certs inspect', () => {
  let dir: string
  let env: Record<string, string>
  let gateway: Gateway
  let root: Issued
  let intermediate: Issued
  let leaf: Issued
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-inspect-'))
    env = cleanEnv({DEV_CERTS_HOME: join(dir, 'certs-home'), HOME: dir})
    root = makeRootCa({commonName: 'Inspect Root'})
    intermediate = makeIntermediate(root, {commonName: 'Inspect Issuing CA'})
    leaf = makeLeaf(intermediate, {hosts: ['localhost', '127.0.0.1']})
    gateway = await startGateway({
      chainPem: leaf.certPem + intermediate.certPem + root.certPem,
      keyPem: leaf.keyPem,
    })
  })
  afterAll(async () => {
    await gateway.close()
    await rm(dir, {force: true, recursive: true})
  })

  it('shows the chain a gateway presents with each role, and an entry pinned to the root (--json)', async () => {
    const result = await dev(['certs', 'inspect', `tls://127.0.0.1:${gateway.port}`, '--json'], {
      cwd: dir,
      env,
    })
    expect(result.exitCode).toBe(0)
    const inspection = JSON.parse(result.stdout) as Inspection
    expect(inspection.certificates.map((c) => [c.role, c.fingerprint])).toEqual([
      ['leaf', shownPin(leaf.der)],
      ['intermediate', shownPin(intermediate.der)],
      ['anchor', shownPin(root.der)],
    ])
    expect(inspection.certificates[2]).toMatchObject({
      ca: true,
      issuer: 'CN=Inspect Root, O=dev-certs demo',
      key: 'RSA 2048',
      selfSigned: true,
      subject: 'CN=Inspect Root, O=dev-certs demo',
    })
    expect(inspection.entry).toEqual({
      fingerprints: [shownPin(root.der)],
      hosts: [`https://127.0.0.1:${gateway.port}/`],
      name: '127.0.0.1',
      source: `tls://127.0.0.1:${gateway.port}`,
    })
  })

  it('the entry it prints can be pasted into .devcerts.json as is: the schema and real intake accept it', async () => {
    const result = await dev(['certs', 'inspect', `tls://127.0.0.1:${gateway.port}`], {cwd: dir, env})
    expect(result.exitCode).toBe(0)
    const pasted = /Paste this into the "authorities" list of \.devcerts\.json:\n(\{[\s\S]*?\n\})/.exec(
      result.stdout,
    )
    expect(pasted).not.toBeNull()
    const config = {authorities: [JSON.parse(pasted![1])]}
    expect(check(SCHEMA, config)).toEqual([])
    const [authority] = parseTeamConfig(JSON.stringify(config), join(dir, '.devcerts.json')).authorities
    const acquired = await acquireAuthority(authority, {})
    expect(acquired.anchors.map((cert) => cert.der)).toEqual([root.der])
  })

  it('shows subject, issuer, validity, CA flag, key and fingerprint for each certificate in text form', async () => {
    const result = await dev(['certs', 'inspect', `tls://127.0.0.1:${gateway.port}`], {cwd: dir, env})
    expect(result.stdout).toContain('3. CN=Inspect Root, O=dev-certs demo')
    expect(result.stdout).toContain('role     ANCHOR: would be trusted')
    expect(result.stdout).toContain('issuer   CN=Inspect Issuing CA, O=dev-certs demo')
    expect(result.stdout).toMatch(/valid {4}\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/)
    expect(result.stdout).toContain('type     CA, self-signed; key RSA 2048')
    expect(result.stdout).toContain(`SHA-256  ${shownPin(root.der)}`)
  })

  it('reads a PKCS#7 file given as a plain path, pins the root and names the file source', async () => {
    const result = await dev(['certs', 'inspect', `${CASES}certs/chain.p7b`, '--json'], {cwd: dir, env})
    const inspection = JSON.parse(result.stdout) as Inspection
    expect(inspection.entry).toEqual({
      fingerprints: [caseFingerprints()['root.pem']],
      name: 'chain',
      source: `file:${CASES}certs/chain.p7b`,
    })
  })

  it('pins both roots of a rotation file', async () => {
    const result = await dev(['certs', 'inspect', `file:${CASES}certs/rotation-two-roots.pem`, '--json'], {
      cwd: dir,
      env,
    })
    const prints = caseFingerprints()
    expect((JSON.parse(result.stdout) as Inspection).entry?.fingerprints.sort()).toEqual(
      [prints.rootold, prints['root.pem']].sort(),
    )
  })

  it('for an intermediate alone it shows the certificate, gives no entry, says why, and exits 1', async () => {
    const result = await dev(['certs', 'inspect', `${CASES}certs/intermediate-only.pem`], {cwd: dir, env})
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('CN=Example Team Gateway Issuing CA 1')
    expect(result.stdout).toContain('No anchor: ')
    expect(result.stdout).toContain('is an intermediate CA, not a root')
    expect(result.stdout).not.toContain('Paste this')
  })

  it('warns loudly about a private key in the file and never prints it', async () => {
    const result = await dev(['certs', 'inspect', `${CASES}certs/root-with-private-key.pem`], {cwd: dir, env})
    expect(result.stdout).toContain(`WARNING: ${CASES}certs/root-with-private-key.pem contains a PRIVATE KEY`)
    const key = readFileSync(`${CASES}certs/root-with-private-key.pem`, 'utf8').split('PRIVATE KEY-----\n')[1]
    expect(result.stdout).not.toContain(key.split('\n')[0])
  })

  it('names an HTML login page served instead of the certificate', async () => {
    const web = await startWebServer({
      '/ca': (_req, res) => res.end('<html><head><title>Team SSO</title></head><body>sign in</body></html>'),
    })
    try {
      const result = await dev(['certs', 'inspect', `${web.url}/ca`], {cwd: dir, env})
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain(
        `${web.url}/ca: the server answered with an HTML page titled "Team SSO"`,
      )
    } finally {
      await web.close()
    }
  })

  it('fails with the reason when the source cannot be read', async () => {
    const result = await dev(['certs', 'inspect', 'file:nowhere.pem'], {cwd: dir, env})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Cannot read ${join(dir, 'nowhere.pem')}: no such file.`)
  })

  it('installs and writes nothing', async () => {
    const before = await readdir(dir)
    await dev(['certs', 'inspect', `tls://127.0.0.1:${gateway.port}`], {cwd: dir, env})
    expect(await readdir(dir)).toEqual(before)
    expect(existsSync(join(dir, 'certs-home'))).toBe(false)
  })
})

describe('setup with a CA file that also holds its private key', () => {
  it('warns, naming the file, and copies the key into no file it writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dev-certs-key-'))
    try {
      const config = {authorities: [{name: 'team', source: `file:${CASES}certs/root-with-private-key.pem`}]}
      await writeFile(join(dir, '.devcerts.json'), JSON.stringify(config))
      const home = join(dir, 'certs-home')
      const env = cleanEnv({
        DEV_CERTS_HOME: home,
        HOME: dir,
        XDG_DATA_HOME: join(dir, 'data'),
      })
      const result = await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
      expect(result.exitCode).toBe(0)
      expect(result.stderr).toContain(`${CASES}certs/root-with-private-key.pem contains a PRIVATE KEY`)
      const written = [
        join(dir, '.env'),
        ...(await readdir(home, {recursive: true})).map((f) => join(home, f)),
      ]
      const key = readFileSync(`${CASES}certs/root-with-private-key.pem`, 'utf8').split(
        'PRIVATE KEY-----\n',
      )[1]
      for (const file of written) {
        const text = await readFile(file, 'utf8').catch(() => '')
        expect(text).not.toContain('PRIVATE KEY')
        expect(text).not.toContain(key.split('\n')[0])
      }

      expect(written.length).toBeGreaterThan(2)
    } finally {
      await rm(dir, {force: true, recursive: true})
    }
  })
})

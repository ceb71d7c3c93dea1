import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {IntakeError} from '../../src/certs/intake-error.js'
import {parseTeamConfig} from '../../src/config/parse.js'
import {type Gateway, startGateway} from '../../src/demo/gateway.js'
import {acquireAuthority, type Authority} from '../../src/sources/acquire.js'
import {pkcs7Of} from '../helpers/bundles.js'
import {cleanEnv, dev} from '../helpers/cli.js'
import {caIssuersExtension} from '../helpers/extensions.js'
import {type Issued, makeIntermediate, makeLeaf, makeRootCa, pinOf, shownPin} from '../helpers/pki.js'
import {type Local, type Route, startWebServer} from '../helpers/servers.js'

const routes: Record<string, Route> = {}
let pki: Local
const gateways: Gateway[] = []

async function gateway(chain: Issued[], key: Issued): Promise<Gateway> {
  const started = await startGateway({
    chainPem: chain.map((issued) => issued.certPem).join(''),
    keyPem: key.keyPem,
  })
  gateways.push(started)
  return started
}

/** Real intake of `sources` as a team config would list them, pinned to `pins`. */
async function acquire(sources: string[], pins: Issued[], dir = tmpdir()): Promise<Authority> {
  const config = {
    authorities: [{fingerprints: pins.map((issued) => pinOf(issued.der)), name: 'team', source: sources}],
  }
  const [authority] = parseTeamConfig(JSON.stringify(config), join(dir, '.devcerts.json')).authorities
  return acquireAuthority(authority, {}, {timeoutMs: 5000})
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

const prints = (certs: Array<{der: Buffer}>) => certs.map((cert) => pinOf(cert.der))

describe('tls:// sources against a local gateway', () => {
  let root: Issued
  let intermediate: Issued
  let leaf: Issued
  let aiaRoot: Issued
  let aiaIntermediate: Issued
  let aiaLeaf: Issued
  beforeAll(async () => {
    pki = await startWebServer(routes)
    root = makeRootCa({commonName: 'Gateway Root'})
    intermediate = makeIntermediate(root, {commonName: 'Gateway Issuing CA'})
    leaf = makeLeaf(intermediate, {hosts: ['localhost', '127.0.0.1']})
    aiaRoot = makeRootCa({commonName: 'AIA Root'})
    aiaIntermediate = makeIntermediate(aiaRoot, {
      commonName: 'AIA Issuing CA',
      extensions: [caIssuersExtension(`${pki.url}/aia-root.p7c`)],
    })
    aiaLeaf = makeLeaf(aiaIntermediate, {extensions: [caIssuersExtension(`${pki.url}/aia-issuing.pem`)]})
    routes['/aia-root.p7c'] = (_req, res) => res.end(pkcs7Of([aiaRoot]))
    routes['/aia-issuing.pem'] = (_req, res) => res.end(aiaIntermediate.certPem)
  })
  afterAll(async () => {
    await Promise.all([pki.close(), ...gateways.map((g) => g.close())])
  })

  it('a gateway sending the full chain gives the pinned root, keeps the intermediate and never trusts the leaf', async () => {
    const gw = await gateway([leaf, intermediate, root], leaf)
    const authority = await acquire([`tls://127.0.0.1:${gw.port}`], [root])
    expect(prints(authority.anchors)).toEqual([pinOf(root.der)])
    expect(prints(authority.intermediates)).toEqual([pinOf(intermediate.der)])
    expect(authority.origin).toBe(`tls://127.0.0.1:${gw.port}`)
  })

  it('a gateway sending leaf and intermediate without AIA is refused, listing both with fingerprints', async () => {
    const gw = await gateway([leaf, intermediate], leaf)
    const error = await refusal(acquire([`tls://127.0.0.1:${gw.port}`], [root]))
    expect(error).toBeInstanceOf(IntakeError)
    expect((error as IntakeError).code).toBe('INTAKE_PIN_MISMATCH')
    expect(error.message).toContain(shownPin(leaf.der))
    expect(error.message).toContain(shownPin(intermediate.der))
  })

  it('a gateway sending its leaf only without AIA is refused, naming the leaf', async () => {
    const gw = await gateway([leaf], leaf)
    const error = await refusal(acquire([`tls://127.0.0.1:${gw.port}`], [root]))
    expect(error.message).toContain(shownPin(leaf.der))
    expect(error.message).toContain('no certificate matches the pinned fingerprint')
  })

  it('a gateway sending leaf and intermediate: the root is fetched from the AIA caIssuers URL and pinned', async () => {
    const gw = await gateway([aiaLeaf, aiaIntermediate], aiaLeaf)
    const authority = await acquire([`tls://127.0.0.1:${gw.port}`], [aiaRoot])
    expect(prints(authority.anchors)).toEqual([pinOf(aiaRoot.der)])
    expect(prints(authority.intermediates)).toEqual([pinOf(aiaIntermediate.der)])
    expect(pki.seen).toContain('GET /aia-root.p7c')
  })

  it('a gateway sending its leaf only: AIA is followed twice, to the intermediate and then the root', async () => {
    const gw = await gateway([aiaLeaf], aiaLeaf)
    const authority = await acquire([`tls://127.0.0.1:${gw.port}`], [aiaRoot])
    expect(prints(authority.anchors)).toEqual([pinOf(aiaRoot.der)])
    expect(prints(authority.intermediates)).toEqual([pinOf(aiaIntermediate.der)])
    expect(pki.seen).toEqual(expect.arrayContaining(['GET /aia-issuing.pem', 'GET /aia-root.p7c']))
  })

  it('a root fetched by AIA is trusted only on a pin match: another pin refuses it and names the URL', async () => {
    const gw = await gateway([aiaLeaf, aiaIntermediate], aiaLeaf)
    const error = await refusal(acquire([`tls://127.0.0.1:${gw.port}`], [root]))
    expect(error.message).toContain(shownPin(aiaRoot.der))
    expect(error.message).toContain(`caIssuers ${pki.url}/aia-root.p7c gave "CN=AIA Root, O=dev-certs demo"`)
  })

  it('sends SNI for a host name and none for an IP address', async () => {
    const gw = await gateway([leaf, intermediate, root], leaf)
    const servername = () =>
      new Promise<null | string | false>((resolve) =>
        gw.server.once('secureConnection', (socket: import('node:tls').TLSSocket) =>
          resolve(socket.servername),
        ),
      )
    const byName = servername()
    await acquire([`tls://localhost:${gw.port}`], [root])
    expect(await byName).toBe('localhost')
    const byAddress = servername()
    await acquire([`tls://127.0.0.1:${gw.port}`], [root])
    expect(await byAddress).toBe(false)
  })

  it('rotation: the gateway presents the new root and both old and new are pinned', async () => {
    const newRoot = makeRootCa({commonName: 'Gateway Root 2027'})
    const newLeaf = makeLeaf(newRoot)
    const gw = await gateway([newLeaf, newRoot], newLeaf)
    const authority = await acquire([`tls://127.0.0.1:${gw.port}`], [root, newRoot])
    expect(prints(authority.anchors)).toEqual([pinOf(newRoot.der)])
  })

  it('a source list is tried in order: a MITM gateway first, then the file that holds the pinned root', async () => {
    const mitmRoot = makeRootCa({commonName: 'Intercepting Proxy CA'})
    const mitmLeaf = makeLeaf(mitmRoot)
    const gw = await gateway([mitmLeaf, mitmRoot], mitmLeaf)
    const dir = await mkdtemp(join(tmpdir(), 'dev-certs-sources-'))
    try {
      await writeFile(join(dir, 'root.pem'), root.certPem)
      const authority = await acquire([`tls://127.0.0.1:${gw.port}`, 'file:root.pem'], [root], dir)
      expect(authority.origin).toBe(join(dir, 'root.pem'))
      const error = await refusal(acquire([`tls://127.0.0.1:${gw.port}`, 'file:missing.pem'], [root], dir))
      expect(error.message).toContain('no source gave a trusted CA')
      expect(error.message).toContain(`- tls://127.0.0.1:${gw.port}: `)
      expect(error.message).toContain(shownPin(mitmRoot.der))
      expect(error.message).toContain('- file:missing.pem: Cannot read')
    } finally {
      await rm(dir, {force: true, recursive: true})
    }
  })

  it('a MITM gateway with another certificate is refused by setup, and nothing is written', async () => {
    const mitmRoot = makeRootCa({commonName: 'Intercepting Proxy CA'})
    const mitmLeaf = makeLeaf(mitmRoot)
    const gw = await gateway([mitmLeaf, mitmRoot], mitmLeaf)
    const dir = await mkdtemp(join(tmpdir(), 'dev-certs-mitm-'))
    try {
      const project = join(dir, 'project')
      const config = {
        authorities: [{fingerprints: [pinOf(root.der)], name: 'team', source: `tls://127.0.0.1:${gw.port}`}],
      }
      await mkdir(project)
      await writeFile(join(project, '.devcerts.json'), JSON.stringify(config))
      const env = cleanEnv({
        DEV_CERTS_HOME: join(dir, 'certs-home'),
        HOME: dir,
        XDG_DATA_HOME: join(dir, 'data'),
      })
      const result = await dev(['certs', 'setup', '--no-system'], {cwd: project, env})
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('no certificate matches the pinned fingerprint')
      expect(result.stderr).toContain(shownPin(mitmRoot.der))
      expect(existsSync(join(dir, 'certs-home'))).toBe(false)
      expect(existsSync(join(project, '.env'))).toBe(false)
    } finally {
      await rm(dir, {force: true, recursive: true})
    }
  })
})

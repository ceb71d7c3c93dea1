import {cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'dotenv'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {pemFingerprint, splitPem} from '../../src/bundle/os-roots.js'
import {BIN, cleanEnv} from '../helpers/cli.js'
import {summary, tryClients} from '../helpers/clients.js'
import {startGateway, type TestGateway} from '../helpers/gateway.js'
import {makeServedRepo} from '../helpers/git-repo.js'
import {type Issued, makeIntermediate, makeLeaf, makeRootCa, pinOf} from '../helpers/pki.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

const CRLF_BOM = new URL('../../../shared/cases/env/crlf-bom.env', import.meta.url)
const skip = await sandboxUnavailable()

/**
 * The spine, end to end on the real Debian store inside a private mount namespace: three gateways (a
 * self-signed gateway pinned via tls://, root → intermediate → leaf with the root as a DER file in the repo,
 * and a "public" root the sandboxed OS store already trusts), real clients, and uninstall.
 */
describe.skipIf(skip)(
  `dev certs setup on Debian, in a sandboxed store${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let sandbox: Sandbox
    let dir: string
    let project: string
    let home: string
    let clientHome: string
    const gateways: Record<'public' | 'selfSigned' | 'teamChain', TestGateway> = {} as never
    let selfSignedLeaf: Issued
    let teamRoot: Issued
    let publicRoot: Issued

    const runDev = (args: string[], extra: Record<string, string> = {}) =>
      sandbox.run([process.execPath, BIN, ...args], {
        cwd: project,
        env: cleanEnv({DEV_CERTS_HOME: home, ...extra}),
      })
    const clientEnv = (vars: Record<string, string> = {}) =>
      cleanEnv({GIT_CONFIG_NOSYSTEM: '1', HOME: clientHome, ...vars})
    const inSandbox = (argv: string[], env: Record<string, string>) => sandbox.run(argv, {env})
    const envFromDotenv = async () => parse(await readFile(join(project, '.env')))
    const sandboxBundle = async () =>
      new Set(
        splitPem(await readFile(join(sandbox.root, 'etc-ssl/certs/ca-certificates.crt'), 'utf8')).map(
          pemFingerprint,
        ),
      )
    const fp = (issued: Issued) => pinOf(issued.der).replace('SHA256:', '').match(/../g)!.join(':')

    beforeAll(async () => {
      sandbox = await startSandbox()
      dir = await mkdtemp(join(tmpdir(), 'dev-certs-spine-'))
      project = join(dir, 'project')
      home = join(dir, 'home')
      clientHome = join(dir, 'client-home')
      await mkdir(join(project, 'certs'), {recursive: true})
      await mkdir(clientHome)
      const served = await makeServedRepo(join(dir, 'git'))

      selfSignedLeaf = makeLeaf(undefined, {
        commonName: 'gateway.example.test',
        hosts: ['localhost', '127.0.0.1'],
      })
      gateways.selfSigned = await startGateway({leaf: selfSignedLeaf, serveDir: served})
      teamRoot = makeRootCa({commonName: 'Team Root CA'})
      const teamIntermediate = makeIntermediate(teamRoot, {commonName: 'Team Issuing CA'})
      gateways.teamChain = await startGateway({
        chain: [teamIntermediate],
        leaf: makeLeaf(teamIntermediate),
        serveDir: served,
      })
      publicRoot = makeRootCa({commonName: 'Some Public Root'})
      gateways.public = await startGateway({leaf: makeLeaf(publicRoot), serveDir: served})

      // The "public" root is one the OS store already trusts before dev-certs runs.
      await writeFile(join(sandbox.root, 'local-ca', 'some-public-root.crt'), publicRoot.certPem)
      const refresh = await sandbox.run(['/usr/sbin/update-ca-certificates'])
      expect(refresh.exitCode, refresh.stderr).toBe(0)

      await writeFile(join(project, 'certs', 'team-root.cer'), teamRoot.der)
      await cp(CRLF_BOM, join(project, '.env'))
      const config = {
        authorities: [
          {
            fingerprints: [pinOf(selfSignedLeaf.der)],
            hosts: [gateways.selfSigned.url],
            name: 'edge-gateway',
            source: `tls://127.0.0.1:${gateways.selfSigned.port}`,
          },
          {
            fingerprints: [pinOf(teamRoot.der).toLowerCase()],
            name: 'team-root',
            source: ['file:certs/team-root.cer'],
          },
        ],
      }
      await writeFile(join(project, '.devcerts.json'), JSON.stringify(config, null, 2))
    })

    afterAll(async () => {
      for (const gateway of Object.values(gateways)) await gateway?.close()
      await sandbox?.stop()
      await rm(dir, {force: true, recursive: true})
    })

    it('negative control: before setup, Python, Node, curl and git all refuse both team gateways', async () => {
      for (const gateway of [gateways.selfSigned, gateways.teamChain]) {
        const outcomes = await tryClients(inSandbox, gateway.url, clientEnv())
        expect(summary(outcomes).filter((line) => line.includes(': ok'))).toEqual([])
      }
    })

    it('a wrong pin exits 1 and writes nothing anywhere', async () => {
      const badConfig = join(dir, 'bad.json')
      const config = JSON.parse(await readFile(join(project, '.devcerts.json'), 'utf8'))
      config.authorities[0].fingerprints = [pinOf(publicRoot.der)]
      await writeFile(badConfig, JSON.stringify(config))
      const before = await readFile(join(project, '.env'))
      const result = await runDev(['certs', 'setup', '--config', badConfig])
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('no certificate matches the pinned fingerprint')
      expect(result.stderr).toContain(fp(selfSignedLeaf))
      expect(await readFile(join(project, '.env'))).toEqual(before)
      await expect(stat(home)).rejects.toThrow()
      await expect(stat(join(sandbox.root, 'local-ca', 'dev-certs'))).rejects.toThrow()
    })

    it('--dry-run prints the exact plan and changes nothing', async () => {
      const result = await runDev(['certs', 'setup', '--dry-run'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain(
        `write [admin] /usr/local/share/ca-certificates/dev-certs/edge-gateway.crt`,
      )
      expect(result.stderr).toContain(`run [admin] ["/usr/sbin/update-ca-certificates"]`)
      expect(result.stderr).toContain(`write ${join(project, '.env')}`)
      await expect(stat(home)).rejects.toThrow()
      expect(await readFile(join(project, '.env'))).toEqual(await readFile(CRLF_BOM))
    })

    it('--no-system: the env that setup wrote makes every client verify all three gateways', async () => {
      const result = await runDev(['certs', 'setup', '--no-system'])
      expect(result.exitCode, result.stderr).toBe(0)
      await expect(stat(join(sandbox.root, 'local-ca', 'dev-certs'))).rejects.toThrow()
      const env = clientEnv(await envFromDotenv())
      for (const gateway of [gateways.selfSigned, gateways.teamChain]) {
        const outcomes = await tryClients(inSandbox, gateway.url, env)
        expect(summary(outcomes), gateway.url).toEqual(summary(outcomes.map((o) => ({...o, ok: true}))))
      }

      // Variables that replace the default roots point at the combined bundle, so OS-trusted roots still work.
      // Node only extends its own Mozilla roots (NODE_EXTRA_CA_CERTS = team CAs), so it is not asked here.
      const replacing = await tryClients(inSandbox, gateways.public.url, env, [
        'curl',
        'git',
        'python httpx',
        'python requests',
      ])
      expect(summary(replacing)).toEqual(summary(replacing.map((o) => ({...o, ok: true}))))
    })

    it('setup installs the anchors into the real update-ca-certificates bundle, by fingerprint', async () => {
      const result = await runDev(['certs', 'setup'])
      expect(result.exitCode, result.stderr).toBe(0)
      const anchors = await readdir(join(sandbox.root, 'local-ca', 'dev-certs'))
      expect(anchors.sort()).toEqual(['edge-gateway.crt', 'team-root.crt'])
      const trusted = await sandboxBundle()
      expect(trusted.has(fp(selfSignedLeaf) as never)).toBe(true)
      expect(trusted.has(fp(teamRoot) as never)).toBe(true)
      const mode = (await stat(join(sandbox.root, 'local-ca', 'dev-certs', 'team-root.crt'))).mode & 0o777
      expect(mode).toBe(0o644)
    })

    it('after the OS install, clients verify through the env and the store', async () => {
      const env = clientEnv(await envFromDotenv())
      for (const gateway of Object.values(gateways)) {
        const only =
          gateway === gateways.public ? ['curl', 'git', 'python httpx', 'python requests'] : undefined
        const outcomes = await tryClients(inSandbox, gateway.url, env, only)
        expect(summary(outcomes), gateway.url).toEqual(summary(outcomes.map((o) => ({...o, ok: true}))))
      }
    })

    it('the second run is a no-op: no file rewritten, no admin command, one line that says so', async () => {
      // This machine's Python appends its egress CA to the OS bundle when it starts (a .pth in
      // /usr/local/lib/python3.11/dist-packages), so the client runs above changed the sandboxed bundle:
      // a first run takes that in, and the run after it must have nothing to do.
      expect((await runDev(['certs', 'setup'])).exitCode).toBe(0)
      const files = [join(home, 'bundle.pem'), join(home, 'team-ca.pem'), join(project, '.env')]
      const before = await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs))
      const bundleBefore = (await stat(join(sandbox.root, 'etc-ssl/certs/ca-certificates.crt'))).mtimeMs
      const result = await runDev(['certs', 'setup'], {DEBUG: 'dev-certs:*'})
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stdout.trim().split('\n')).toEqual([
        'Nothing to do: edge-gateway, team-root already set up.',
      ])
      expect(result.stderr).not.toMatch(/dev-certs:exec run/)
      expect(result.stderr).not.toMatch(/dev-certs:fs wrote/)
      expect(await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs))).toEqual(before)
      expect((await stat(join(sandbox.root, 'etc-ssl/certs/ca-certificates.crt'))).mtimeMs).toBe(bundleBefore)
    })

    it('the .env keeps every byte outside the block, and uninstall restores it byte for byte', async () => {
      const original = await readFile(CRLF_BOM)
      const current = await readFile(join(project, '.env'))
      expect(current.subarray(0, original.length)).toEqual(original)
      const result = await runDev(['certs', 'uninstall'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(await readFile(join(project, '.env'))).toEqual(original)
      await expect(stat(join(sandbox.root, 'local-ca', 'dev-certs'))).rejects.toThrow()
      const trusted = await sandboxBundle()
      expect(trusted.has(fp(teamRoot) as never)).toBe(false)
      expect(trusted.has(fp(publicRoot) as never)).toBe(true)
      await expect(stat(home)).rejects.toThrow()
      const again = await runDev(['certs', 'uninstall'])
      expect(again.stdout).toContain('Nothing to remove')
    })
  },
)

/**
 * Breaker findings on the Debian store, inside the sandboxed mount namespace (never the real store).
 * Each `it.fails` reproduces a defect that exists today.
 */
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {pemFingerprint, splitPem} from '../../src/bundle/os-roots.js'
import {BIN, cleanEnv} from '../helpers/cli.js'
import {type Issued, makeRootCa, pinOf} from '../helpers/pki.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

const skip = await sandboxUnavailable()

describe.skipIf(skip)(`breaker: Debian store in a sandbox${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let sandbox: Sandbox
  let dir: string

  beforeAll(async () => {
    sandbox = await startSandbox()
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-breaker-store-'))
  })
  afterAll(async () => {
    await sandbox?.stop()
    await rm(dir, {force: true, recursive: true})
  })

  const fp = (issued: Issued) => pinOf(issued.der).replace('SHA256:', '').match(/../g)!.join(':')
  const osBundle = async () =>
    new Set(
      splitPem(await readFile(join(sandbox.root, 'etc-ssl/certs/ca-certificates.crt'), 'utf8')).map(
        pemFingerprint,
      ),
    )
  async function project(name: string, root: Issued): Promise<string> {
    const path = join(dir, name)
    await mkdir(join(path, 'certs'), {recursive: true})
    await writeFile(join(path, 'certs', 'root.pem'), root.certPem)
    await writeFile(
      join(path, '.devcerts.json'),
      JSON.stringify({
        authorities: [{fingerprints: [pinOf(root.der)], name: 'team', source: 'file:certs/root.pem'}],
      }),
    )
    return path
  }

  const setup = (cwd: string, home: string) =>
    sandbox.run([process.execPath, BIN, 'certs', 'setup', '--yes'], {
      cwd,
      env: cleanEnv({DEV_CERTS_HOME: home}),
    })

  it.fails(
    'two projects whose authorities are both called "team" keep both CAs in the OS store',
    async () => {
      const rootA = makeRootCa({commonName: 'Store Project A Root'})
      const rootB = makeRootCa({commonName: 'Store Project B Root'})
      const a = await project('a', rootA)
      const b = await project('b', rootB)
      // Separate homes even: the anchor file name is only the authority name.
      expect((await setup(a, join(dir, 'home-a'))).exitCode).toBe(0)
      expect(await osBundle()).toContain(fp(rootA))
      expect((await setup(b, join(dir, 'home-b'))).exitCode).toBe(0)
      expect(await osBundle()).toContain(fp(rootB))
      // Today: B's setup overwrote /usr/local/share/ca-certificates/dev-certs/team.crt, so A's CA left the
      // store without a word; A's next setup swaps it back and evicts B.
      expect(await osBundle()).toContain(fp(rootA))
    },
  )

  it('setup notices a deleted anchor file instead of answering "Nothing to do"', async () => {
    const root = makeRootCa({commonName: 'Store Deleted Anchor Root'})
    const c = await project('c', root)
    const home = join(dir, 'home-c')
    expect((await setup(c, home)).exitCode).toBe(0)
    const anchor = join(sandbox.root, 'local-ca', 'dev-certs', 'team.crt')
    expect(await readFile(anchor, 'utf8')).toContain('BEGIN CERTIFICATE')
    await rm(anchor)
    const again = await setup(c, home)
    // Was: "Nothing to do: team already set up." (the anchor was not among the stamp's inputs), and the next
    // `update-ca-certificates --fresh` (a ca-certificates upgrade) dropped the CA. The Linux stores now add
    // their anchor files and bundle to the stamp.
    expect(again.stdout).not.toContain('Nothing to do')
    expect(await readFile(anchor, 'utf8').catch(() => '')).toContain('BEGIN CERTIFICATE')
  })
})

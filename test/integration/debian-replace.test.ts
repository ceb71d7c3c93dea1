import {X509Certificate} from 'node:crypto'
import {readdir, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv} from '../helpers/cli.js'
import {makeRootCa, pinOf} from '../helpers/pki.js'
import {makeProject, removeProjects} from '../helpers/project.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

const skip = await sandboxUnavailable()

/**
 * Found by a breaker: Debian's update-ca-certificates reports only new link names. Once our anchor was
 * replaced (a rotated CA) or removed (uninstall), a plain run left /etc/ssl/certs with links to nothing and
 * without the hash link of the new CA, which clients that look CAs up by subject hash (OpenSSL's CApath) need.
 * The man page says to run it with --fresh then; these run the real tool in the sandbox.
 */
describe.skipIf(skip)(`Debian: a replaced or removed anchor${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox?.stop()
    await removeProjects()
  })

  const certsDir = () => join(sandbox.root, 'etc-ssl', 'certs')
  /** Links in /etc/ssl/certs whose target is gone (the sandbox's paths, as the namespace sees them). */
  const dangling = async () => {
    const out = await sandbox.run(['find', '/etc/ssl/certs', '-xtype', 'l'])
    return out.stdout.split('\n').filter(Boolean)
  }
  /** What OpenSSL's CApath lookup needs for a CA: `<subject hash>.N` leading to that very certificate. */
  const hashLinked = async (pem: string) => {
    const subjectHash = await sandbox.run(['openssl', 'x509', '-subject_hash', '-noout', '-in', pemFile(pem)])
    // Read in the namespace: the links lead to absolute paths that only it binds to the sandbox's store.
    const linked = await sandbox.run(['cat', `/etc/ssl/certs/${subjectHash.stdout.trim()}.0`])
    return linked.stdout.includes(pem.split('\n')[1])
  }

  let pemDir: string
  const pemFile = (pem: string) =>
    join(pemDir, `${new X509Certificate(pem).fingerprint256.replaceAll(':', '')}.pem`)

  it('rotating the CA links the new one by hash, and uninstall leaves no link to a deleted anchor', async () => {
    const {dir, home, root} = await makeProject()
    pemDir = dir
    const env = cleanEnv({DEV_CERTS_HOME: home, HOME: dir})
    const run = (args: string[]) => sandbox.run([process.execPath, BIN, 'certs', ...args], {cwd: dir, env})
    await writeFile(pemFile(root.certPem), root.certPem)

    const first = await run(['setup'])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(await hashLinked(root.certPem)).toBe(true)

    const rotated = makeRootCa({commonName: 'Test Team Root CA 2027'})
    await writeFile(pemFile(rotated.certPem), rotated.certPem)
    await writeFile(join(dir, 'certs', 'root.pem'), rotated.certPem)
    const config = {
      authorities: [{fingerprints: [pinOf(rotated.der)], name: 'team', source: 'file:certs/root.pem'}],
    }
    await writeFile(join(dir, '.devcerts.json'), JSON.stringify(config))
    const second = await run(['setup', '--dry-run'])
    expect(second.stderr).toContain('run [admin] ["/usr/sbin/update-ca-certificates","--fresh"]')
    expect((await run(['setup'])).exitCode).toBe(0)
    expect(await hashLinked(rotated.certPem)).toBe(true)
    expect(await hashLinked(root.certPem)).toBe(false)
    expect(await dangling()).toEqual([])

    const removed = await run(['uninstall'])
    expect(removed.exitCode, removed.stderr).toBe(0)
    await expect(stat(join(sandbox.root, 'local-ca', 'dev-certs'))).rejects.toThrow()
    expect(await dangling()).toEqual([])
    expect((await readdir(certsDir())).filter((name) => name.startsWith('team'))).toEqual([])
    expect(await hashLinked(rotated.certPem)).toBe(false)
  })
})

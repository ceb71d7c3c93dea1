import {execa} from 'execa'
import {appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cleanEnv, dev} from '../helpers/cli.js'
import {startGateway, type TestGateway} from '../helpers/gateway.js'
import {makeLeaf, makeRootCa, pinOf} from '../helpers/pki.js'

/**
 * `dev certs refresh` after the OS roots change (a ca-certificates update, played here by the file that
 * DEV_CERTS_OS_BUNDLE names): the bundle is rebuilt at the same path, and nothing is written when nothing
 * changed.
 */
describe('dev certs refresh', () => {
  let dir: string
  let project: string
  let home: string
  let osBundle: string
  let newRootGateway: TestGateway
  const env = (extra: Record<string, string> = {}) =>
    cleanEnv({DEV_CERTS_HOME: home, DEV_CERTS_OS_BUNDLE: osBundle, HOME: dir, ...extra})
  const curl = (url: string) =>
    execa('curl', ['--silent', '--show-error', '--fail', '--output', '/dev/null', url], {
      env: cleanEnv({CURL_CA_BUNDLE: join(home, 'bundle.pem')}),
      extendEnv: false,
      reject: false,
    })
  const mtimes = async () =>
    Promise.all(
      ['bundle.pem', 'team-ca.pem', 'env.sh'].map(async (name) => (await stat(join(home, name))).mtimeMs),
    )

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-refresh-'))
    project = join(dir, 'project')
    home = join(dir, 'certs')
    osBundle = join(dir, 'os-bundle.crt')
    await mkdir(project)
    await writeFile(osBundle, makeRootCa({commonName: 'Old Public Root'}).certPem)
    const team = makeRootCa({commonName: 'Refresh Team Root'})
    await writeFile(join(project, 'team.pem'), team.certPem)
    const config = {
      authorities: [{fingerprints: [pinOf(team.der)], name: 'refresh', source: 'file:team.pem'}],
    }
    await writeFile(join(project, '.devcerts.json'), JSON.stringify(config))
    const newRoot = makeRootCa({commonName: 'New Public Root'})
    newRootGateway = await startGateway({leaf: makeLeaf(newRoot)})
    await writeFile(join(dir, 'new-root.pem'), newRoot.certPem)
  })

  afterAll(async () => {
    await newRootGateway?.close()
    await rm(dir, {force: true, recursive: true})
  })

  it('before setup, it says so and exits 1', async () => {
    const result = await dev(['certs', 'refresh'], {cwd: project, env: env()})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('dev certs setup')
  })

  it('right after setup it is a no-op: same hashes, no file written', async () => {
    const setup = await dev(['certs', 'setup', '--no-system'], {cwd: project, env: env()})
    expect(setup.exitCode, setup.stderr).toBe(0)
    const before = await mtimes()
    const result = await dev(['certs', 'refresh', '--json'], {cwd: project, env: env({DEBUG: 'dev-certs:*'})})
    expect(result.exitCode, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect([report.changed, report.hashes.current]).toEqual([false, report.hashes.wanted])
    expect(result.stderr).not.toMatch(/dev-certs:fs wrote/)
    expect(await mtimes()).toEqual(before)
  })

  it('after the OS roots change, it rebuilds bundle.pem at the same path and clients trust the new root', async () => {
    expect((await curl(newRootGateway.url)).exitCode).not.toBe(0)
    await appendFile(osBundle, await readFile(join(dir, 'new-root.pem')))
    const [bundleBefore, teamBefore, envBefore] = await mtimes()
    const result = await dev(['certs', 'refresh'], {cwd: project, env: env()})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain(`Refreshed ${join(home, 'bundle.pem')}: 2 public roots`)
    const [bundleAfter, teamAfter, envAfter] = await mtimes()
    expect(bundleAfter).not.toBe(bundleBefore)
    expect([teamAfter, envAfter]).toEqual([teamBefore, envBefore])
    expect((await curl(newRootGateway.url)).exitCode).toBe(0)
    // setup builds the same bytes, so its next run has nothing to do.
    const setup = await dev(['certs', 'setup', '--no-system'], {cwd: project, env: env()})
    expect(setup.stdout.trim()).toBe('Nothing to do: refresh already set up.')
  })
})

import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'dotenv'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {CLIENTS as TABLE} from '../../src/env/clients.js'
import {BIN, cleanEnv} from '../helpers/cli.js'
import {startGateway, type TestGateway} from '../helpers/gateway.js'
import {makeServedRepo} from '../helpers/git-repo.js'
import {addServedIndex, liveClients} from '../helpers/live-clients.js'
import {makeIntermediate, makeLeaf, makeRootCa, pinOf} from '../helpers/pki.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../helpers/sandbox.js'

const skip = await sandboxUnavailable()
/** Not a timed assertion: only a bound on how long a dozen client processes may take together. */
const LIMIT = 240_000

/**
 * Which variable each live client reads (from the table's own rows), so the test asks each one the right way.
 */
const READS: Record<string, string | undefined> = {
  curl: 'CURL_CA_BUNDLE',
  git: 'GIT_SSL_CAINFO',
  'node fetch': 'NODE_EXTRA_CA_CERTS',
  'node https': 'NODE_EXTRA_CA_CERTS',
  npm: 'NODE_EXTRA_CA_CERTS',
  'openssl s_client': 'SSL_CERT_FILE',
  pip: 'PIP_CERT',
  'python httpx': 'SSL_CERT_FILE',
  'python requests': 'REQUESTS_CA_BUNDLE',
  'python urllib': 'SSL_CERT_FILE',
  // Debian patches urllib3 to read /etc/ssl/certs/ca-certificates.crt itself: only the OS install reaches it.
  'python urllib3': undefined,
  'ruby net/http': 'SSL_CERT_FILE',
  wget: undefined,
}

/**
 * A dozen real clients against a real gateway on 127.0.0.1 whose CA (root → intermediate → leaf) only
 * dev-certs makes trusted. Each one fails first (negative control, same env minus what dev-certs wrote), then
 * verifies using only what dev-certs wrote: the env variables, the tool configs of `--configure`, or the OS
 * store.
 */
describe.skipIf(skip)(`a dozen clients, live${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let sandbox: Sandbox
  let dir: string
  let project: string
  let home: string
  let clientHome: string
  let clients: ReturnType<typeof liveClients>
  let team: TestGateway
  let publicGateway: TestGateway

  // HOME is the clients' temp HOME: --configure writes the tool configs there and nowhere else.
  const runDev = (args: string[]) =>
    sandbox.run([process.execPath, BIN, ...args], {
      cwd: project,
      env: cleanEnv({DEV_CERTS_HOME: home, GIT_CONFIG_NOSYSTEM: '1', HOME: clientHome}),
    })
  /** Only what a client needs to run: a temp HOME, config files isolated, our variables on top. */
  const clientEnv = (vars: Record<string, string> = {}) =>
    cleanEnv({
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: clientHome,
      npm_config_cache: join(dir, 'npm-cache'),
      // One try: npm retries a failed request with a back-off of up to a minute by default.
      npm_config_fetch_retries: '0',
      npm_config_globalconfig: join(dir, 'empty-npmrc'),
      npm_config_update_notifier: 'false',
      WGETRC: join(dir, 'empty-wgetrc'),
      ...vars,
    })
  const attempt = async (client: string, url: string, env: Record<string, string>) => {
    const result = await sandbox.run(clients[client](url), {env})
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-2).join(' | ')
    return {client, line: `${client}: ${result.exitCode === 0 ? 'ok' : `FAIL ${output.slice(-200)}`}`}
  }

  /** "client: ok" for each client that verified; a failure shows the client's own last words. */
  const outcomes = async (names: string[], url: string, env: Record<string, string>) => {
    const lines: string[] = []
    for (const name of names) lines.push((await attempt(name, url, env)).line)
    return lines
  }

  const allOk = (names: string[]) => names.map((name) => `${name}: ok`)
  const noneOk = (lines: string[]) => lines.filter((line) => line.endsWith(': ok'))
  const ourEnv = async () => parse(await readFile(join(project, '.env')))

  beforeAll(async () => {
    sandbox = await startSandbox()
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-live-'))
    project = join(dir, 'project')
    home = join(dir, 'home')
    clientHome = join(dir, 'client-home')
    await mkdir(project, {recursive: true})
    await mkdir(clientHome)
    await writeFile(join(dir, 'empty-npmrc'), '')
    await writeFile(join(dir, 'empty-wgetrc'), '')
    clients = liveClients(dir)
    const served = await makeServedRepo(join(dir, 'git'))
    await addServedIndex(served)

    const root = makeRootCa({commonName: 'Live Team Root CA'})
    const issuing = makeIntermediate(root, {commonName: 'Live Team Issuing CA'})
    team = await startGateway({chain: [issuing], leaf: makeLeaf(issuing), serveDir: served})
    const publicRoot = makeRootCa({commonName: 'Live Public Root'})
    publicGateway = await startGateway({leaf: makeLeaf(publicRoot), serveDir: served})
    await writeFile(join(sandbox.root, 'local-ca', 'live-public-root.crt'), publicRoot.certPem)
    const update = await sandbox.run(['/usr/sbin/update-ca-certificates'])
    expect(update.exitCode, update.stderr).toBe(0)

    await writeFile(join(project, 'team-root.pem'), root.certPem)
    const config = {
      authorities: [
        {fingerprints: [pinOf(root.der)], hosts: [team.url], name: 'live-team', source: 'file:team-root.pem'},
      ],
    }
    await writeFile(join(project, '.devcerts.json'), JSON.stringify(config))
  })

  afterAll(async () => {
    await team?.close()
    await publicGateway?.close()
    await sandbox?.stop()
    await rm(dir, {force: true, recursive: true})
  }, LIMIT)

  it(
    'negative control: before setup, every client refuses the team gateway',
    async () => {
      const names = Object.keys(clients)
      expect(names.length).toBeGreaterThanOrEqual(12)
      expect(noneOk(await outcomes(names, team.url, clientEnv()))).toEqual([])
      // The same clients reach the OS-trusted "public" gateway, so each failure above is about trust alone.
      const publicOk = await outcomes(
        names.filter((name) => !name.startsWith('node') && name !== 'npm'),
        publicGateway.url,
        clientEnv(),
      )
      expect(publicOk).toEqual(allOk(names.filter((name) => !name.startsWith('node') && name !== 'npm')))
    },
    LIMIT,
  )

  it(
    '--no-system --configure: setup writes the env and the tool configs',
    async () => {
      const result = await runDev(['certs', 'setup', '--no-system', '--configure', 'npm,pip,git'])
      expect(result.exitCode, result.stderr).toBe(0)
    },
    LIMIT,
  )

  it(
    'every client that reads a variable verifies with only the variables setup wrote',
    async () => {
      const names = Object.keys(READS).filter((name) => READS[name])
      // A HOME without the tool configs: the variables alone do it.
      const env = clientEnv({...(await ourEnv()), HOME: join(dir, 'bare-home')})
      await mkdir(join(dir, 'bare-home'), {recursive: true})
      expect(await outcomes(names, team.url, env)).toEqual(allOk(names))
    },
    LIMIT,
  )

  it(
    'npm, pip and git verify with only the tool configs --configure wrote (no variable at all)',
    async () => {
      const names = ['npm', 'pip', 'git']
      expect(await outcomes(names, team.url, clientEnv())).toEqual(allOk(names))
      expect(await readFile(join(clientHome, '.npmrc'), 'utf8')).toBe(`cafile=${join(home, 'bundle.pem')}\n`)
    },
    LIMIT,
  )

  it(
    'a public root the OS trusts stays trusted through every replacing variable, one at a time',
    async () => {
      const vars = await ourEnv()
      const replacing = TABLE.filter((row) => row.mode === 'replaces' && row.variable).map(
        (row) => row.variable!,
      )
      for (const variable of new Set(replacing))
        expect(vars[variable], variable).toBe(join(home, 'bundle.pem'))
      const bare = join(dir, 'bare-home')
      for (const [client, variable] of Object.entries(READS)) {
        if (!variable || TABLE.find((row) => row.variable === variable)?.mode !== 'replaces') continue
        // Only this one variable: it is read (the team gateway verifies) and it loses no public root.
        const env = clientEnv({HOME: bare, [variable]: vars[variable]})
        expect(await outcomes([client], team.url, env), variable).toEqual([`${client}: ok`])
        expect(await outcomes([client], publicGateway.url, env), variable).toEqual([`${client}: ok`])
      }
    },
    LIMIT,
  )

  it(
    'wget and Debian urllib3 read only the OS store: the variables do not reach them, the OS install does',
    async () => {
      const names = Object.keys(READS).filter((name) => !READS[name])
      const env = clientEnv({...(await ourEnv()), HOME: join(dir, 'bare-home')})
      expect(noneOk(await outcomes(names, team.url, env))).toEqual([])
      const result = await runDev(['certs', 'setup', '--configure', 'npm,pip,git'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(await outcomes(names, team.url, clientEnv())).toEqual(allOk(names))
    },
    LIMIT,
  )

  it(
    'uninstall takes it all back: the clients refuse the team gateway again',
    async () => {
      const result = await runDev(['certs', 'uninstall'])
      expect(result.exitCode, result.stderr).toBe(0)
      const names = Object.keys(clients)
      expect(noneOk(await outcomes(names, team.url, clientEnv()))).toEqual([])
      // setup created every tool config in this HOME, so putting back what was there leaves it empty; only
      // the cache directory npm makes for itself on any run (~/.npm, empty here) is npm's, not ours.
      const left = await readdir(clientHome, {recursive: true})
      expect(left.filter((path) => path !== '.npm')).toEqual([])
    },
    LIMIT,
  )
})

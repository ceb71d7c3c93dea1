import {execa} from 'execa'
import {copyFile, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {CLIENT_VARIABLES} from '../../src/env/clients.js'
import {checkOf, type DoctorProject, makeDoctorProject, problems} from '../helpers/doctor-project.js'
import {type Issued, makeRootCa} from '../helpers/pki.js'

const CASES = new URL('../../../shared/cases/env/', import.meta.url)
const fromCases = (name: string) => new URL(name, CASES)

/** Every env file from the field (shared/cases/env), copied where it lives on a machine, then setup. */
describe('dev certs doctor on the env and shell files from the field', () => {
  let root: Issued
  const projects: DoctorProject[] = []
  const project = async (options: Omit<Parameters<typeof makeDoctorProject>[0], 'root'> = {}) => {
    const made = await makeDoctorProject({root, ...options})
    projects.push(made)
    return made
  }

  beforeAll(() => {
    root = makeRootCa({commonName: 'Doctor Env Cases Root'})
  })

  afterAll(async () => {
    for (const made of projects) await made.cleanup()
  })

  it('crlf-bom.env: after setup, each client variable in .env is read and points at good files', async () => {
    const made = await project({
      before: ({project}) => copyFile(fromCases('crlf-bom.env'), join(project, '.env')),
    })
    const {report} = await made.doctor({offline: true})
    const env = checkOf(report, 'environment')
    expect(problems(env)).toEqual([])
    const count = CLIENT_VARIABLES.length
    expect(env.map((f) => f.summary)).toContain(
      `${join(made.project, '.env')} sets all ${count} client variables`,
    )
    expect(problems(checkOf(report, 'overrides'))).toEqual([])
  })

  it('crlf-bom.env before setup: no client variable is set, and the fix is `dev certs setup`', async () => {
    const made = await project({
      before: ({project}) => copyFile(fromCases('crlf-bom.env'), join(project, '.env')),
      setup: false,
    })
    const {report} = await made.doctor({offline: true})
    const dotenv = checkOf(report, 'environment').find(
      (f) => f.id === `dotenv:${join(made.project, '.env')}`,
    )!
    expect(dotenv.status).toBe('fail')
    expect(dotenv.summary).toContain('does not set NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, SSL_CERT_FILE')
    expect(dotenv.fix).toBe('dev certs setup')
    expect(dotenv.fixable).toBe(true)
  })

  it('naive-requests-bundle.env as found: REQUESTS_CA_BUNDLE names a file that does not exist', async () => {
    const original = await readFile(fromCases('naive-requests-bundle.env'), 'utf8')
    const naivePath = /REQUESTS_CA_BUNDLE=(.*)/.exec(original)![1]
    await expect(stat(naivePath), 'the case assumes this path is absent here').rejects.toThrow()
    const made = await project({
      before: ({project}) => copyFile(fromCases('naive-requests-bundle.env'), join(project, '.env')),
    })
    const {report} = await made.doctor({offline: true})
    const dotenv = join(made.project, '.env')
    const finding = checkOf(report, 'environment').find((f) => f.id === `var:${dotenv}:2:REQUESTS_CA_BUNDLE`)!
    expect(finding.status).toBe('fail')
    expect(finding.summary).toBe(
      `REQUESTS_CA_BUNDLE in ${dotenv}:2 points to ${naivePath}, which does not exist: ` +
        'the client cannot load any CA and every TLS request fails',
    )
    expect(finding.fix).toBe(
      `Delete line 2 of ${dotenv} (REQUESTS_CA_BUNDLE=${naivePath}), or point it at ` +
        `${join(made.certsHome, 'bundle.pem')}; the dev-certs block already sets it`,
    )
  })

  it('naive-requests-bundle.env with the team-only file present: no public roots fails', async () => {
    let teamOnly = ''
    const made = await project({
      async before({project, userHome}) {
        teamOnly = join(userHome, 'only-the-team-ca.pem')
        await writeFile(teamOnly, root.certPem)
        const text = await readFile(fromCases('naive-requests-bundle.env'), 'utf8')
        await writeFile(join(project, '.env'), text.replace(/(REQUESTS_CA_BUNDLE=).*/, `$1${teamOnly}`))
      },
    })
    const {report} = await made.doctor({offline: true})
    const dotenv = join(made.project, '.env')
    const env = checkOf(report, 'environment')
    expect(problems(env)).toEqual([
      `fail REQUESTS_CA_BUNDLE in ${dotenv}:2 points to ${teamOnly}, which holds no public roots: ` +
        'REQUESTS_CA_BUNDLE replaces the default roots, so every public site (pypi.org, github.com) fails',
    ])
    const finding = env.find((f) => f.status === 'fail')!
    expect(finding.fix).toContain(`Delete line 2 of ${dotenv} (REQUESTS_CA_BUNDLE=${teamOnly})`)
    expect(finding.fixable).toBe(false)
    expect(report.exitCode).toBe(1)
  })

  it('insecure-overrides.env: each variable switching verification off fails, with its line', async () => {
    const made = await project({
      before: ({project}) => copyFile(fromCases('insecure-overrides.env'), join(project, '.env')),
    })
    const {report} = await made.doctor({offline: true})
    const dotenv = join(made.project, '.env')
    const off = checkOf(report, 'overrides').filter((f) => f.status === 'fail')
    expect(off.map((f) => f.summary)).toEqual([
      `NODE_TLS_REJECT_UNAUTHORIZED=0 in ${dotenv}:1: Node accepts any certificate`,
      `PYTHONHTTPSVERIFY=0 in ${dotenv}:2: Python urllib and http.client accept any certificate`,
      `GIT_SSL_NO_VERIFY=true in ${dotenv}:3: git accepts any certificate`,
    ])
    expect(off[0].fix).toBe(
      `Delete line 1 of ${dotenv} (NODE_TLS_REJECT_UNAUTHORIZED=0); \`dev certs setup\` makes clients ` +
        'trust the team CA with verification on',
    )
  })

  it('dangling-bashrc.sh: a profile exporting NODE_EXTRA_CA_CERTS to a deleted file fails', async () => {
    const made = await project({
      before: ({userHome}) => copyFile(fromCases('dangling-bashrc.sh'), join(userHome, '.bashrc')),
    })
    const {report} = await made.doctor({offline: true})
    const bashrc = join(made.userHome, '.bashrc')
    const finding = checkOf(report, 'environment').find(
      (f) => f.id === `var:${bashrc}:2:NODE_EXTRA_CA_CERTS`,
    )!
    expect(finding.status).toBe('fail')
    expect(finding.summary).toBe(
      `NODE_EXTRA_CA_CERTS in ${bashrc}:2 points to /home/someone/old-ca/deleted.pem, ` +
        'which does not exist: ' +
        'Node prints a warning on every run and trusts nothing extra',
    )
    expect(finding.fix).toBe(
      `Delete line 2 of ${bashrc} (NODE_EXTRA_CA_CERTS=/home/someone/old-ca/deleted.pem), or point it at ` +
        `${join(made.certsHome, 'team-ca.pem')}; the dev-certs block already sets it`,
    )
  })

  it('set in .env but not in this shell: Node warns to open a new shell or source env.sh', async () => {
    const made = await project()
    const {report} = await made.doctor({env: made.bareEnv, offline: true})
    const node = checkOf(report, 'environment').find((f) => f.id === 'shell:NODE_EXTRA_CA_CERTS')!
    expect(node.status).toBe('warn')
    expect(node.summary).toContain('Open a new shell or source env.sh')
    expect(node.fix).toBe(`. '${join(made.certsHome, 'env.sh')}'`)
    // The other variables are named with the clients that read them, from the client table.
    const others = checkOf(report, 'environment').find((f) => f.id === 'shell:unset')!
    expect(others.status).toBe('warn')
    expect(others.summary).toContain('REQUESTS_CA_BUNDLE (Python requests')
    expect(others.summary).toContain('GIT_SSL_CAINFO (git)')
    expect(report.exitCode).toBe(0)
  })

  it('a verification switch in this shell fails and says to unset it', async () => {
    const made = await project()
    const {report} = await made.doctor({
      env: {...made.shellEnv, NODE_TLS_REJECT_UNAUTHORIZED: '0'},
      offline: true,
    })
    const finding = checkOf(report, 'overrides').find(
      (f) => f.id === 'off:this shell:NODE_TLS_REJECT_UNAUTHORIZED',
    )!
    expect(finding.status).toBe('fail')
    expect(finding.fix).toContain('unset NODE_TLS_REJECT_UNAUTHORIZED')
  })

  it("a variable this shell points elsewhere: the fix's export, pasted into a shell, sets our file", async () => {
    const made = await project({certsHomeName: "dev certs's home"})
    const elsewhere = join(made.userHome, 'other bundle.pem')
    await writeFile(elsewhere, await readFile(join(made.certsHome, 'team-ca.pem')))
    const {report} = await made.doctor({
      env: {...made.shellEnv, REQUESTS_CA_BUNDLE: elsewhere},
      offline: true,
    })
    const finding = checkOf(report, 'environment').find((f) => f.id === 'var:this shell:REQUESTS_CA_BUNDLE')!
    expect(finding.status, finding.summary).toBe('fail')
    // The export up to the first unquoted space: shell words, with '\'' inside single quotes.
    const command = /^(export \S+=(?:'[^']*'|\\'|[^\s'\\])+)/.exec(finding.fix!)![1]
    const {stdout} = await execa('bash', ['-c', `${command}; printf %s "$REQUESTS_CA_BUNDLE"`], {env: {}})
    expect(stdout).toBe(join(made.certsHome, 'bundle.pem'))
  })
})

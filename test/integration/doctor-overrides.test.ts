import {execa} from 'execa'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {checkOf, type DoctorProject, makeDoctorProject} from '../helpers/doctor-project.js'
import {makeRootCa} from '../helpers/pki.js'

const HOST = 'https://127.0.0.1:8443/'

/**
 * Settings that switch verification off, written where each tool reads them (in the test's own HOME and
 * project), and insecure code in the project's tracked files. Nothing here is run; it is only read.
 */
describe('dev certs doctor: verification switched off', () => {
  let made: DoctorProject
  let home: string

  beforeAll(async () => {
    made = await makeDoctorProject({
      env: {GIT_CONFIG_NOSYSTEM: '1'},
      hosts: [HOST],
      root: makeRootCa({commonName: 'Doctor Overrides Root'}),
    })
    home = made.userHome
    await writeFile(join(made.project, '.npmrc'), 'registry=https://registry.npmjs.org/\nstrict-ssl=false\n')
    await writeFile(join(home, '.gitconfig'), '[http "https://127.0.0.1:8443/"]\n\tsslVerify = false\n')
    await mkdir(join(home, '.config', 'pip'), {recursive: true})
    await writeFile(
      join(home, '.config', 'pip', 'pip.conf'),
      '[global]\ntrusted-host = pypi.org\n    127.0.0.1:8443\ntimeout = 60\n',
    )
    await writeFile(join(home, '.condarc'), 'channels:\n  - defaults\nssl_verify: false\n')

    const git = (args: string[]) =>
      execa('git', args, {
        cwd: made.project,
        env: {...made.shellEnv, GIT_CONFIG_NOSYSTEM: '1'},
        extendEnv: false,
      })
    await mkdir(join(made.project, 'scripts'))
    await writeFile(join(made.project, 'app.py'), 'import requests\n\nr = requests.get(URL, verify=False)\n')
    await writeFile(
      join(made.project, 'client.js'),
      'const agent = new Agent({\n  rejectUnauthorized: false,\n})\n',
    )
    await writeFile(join(made.project, 'scripts', 'fetch.sh'), '#!/bin/sh\ncurl -fsSk "$URL" -o out\n')
    await writeFile(join(made.project, 'NOTES.md'), 'Never run curl -k against the gateway.\n')
    await git(['init', '-q'])
    await git(['add', 'app.py', 'client.js', 'scripts/fetch.sh', 'NOTES.md'])
  })

  afterAll(async () => {
    await made?.cleanup()
  })

  it('npm, git, pip (team host only) and conda settings each fail, with the command or edit', async () => {
    const {report} = await made.doctor({env: {...made.shellEnv, GIT_CONFIG_NOSYSTEM: '1'}, offline: true})
    const fails = checkOf(report, 'overrides').filter((f) => f.status === 'fail')
    const gitconfig = join(home, '.gitconfig')
    expect(fails.map((f) => [f.summary, f.fix])).toEqual([
      [
        `npm strict-ssl=false in ${join(made.project, '.npmrc')}:2: npm accepts any certificate`,
        'npm config delete strict-ssl --location=project',
      ],
      [
        `git http.https://127.0.0.1:8443/.sslverify=false (file:${gitconfig}): git accepts any certificate ` +
          'for that URL',
        `git config --file ${gitconfig} --unset http.https://127.0.0.1:8443/.sslverify`,
      ],
      [
        `pip trusted-host 127.0.0.1:8443 in ${join(home, '.config', 'pip', 'pip.conf')}:3: pip skips ` +
          'verification for a team host',
        `Remove 127.0.0.1:8443 from trusted-host in ${join(home, '.config', 'pip', 'pip.conf')} (line 3); ` +
          'pip verifies it with the dev-certs bundle',
      ],
      [
        `conda ssl_verify false in ${join(home, '.condarc')}:3: conda accepts any certificate`,
        `conda config --file ${join(home, '.condarc')} --set ssl_verify ` +
          join(made.certsHome, 'bundle.pem'),
      ],
    ])
    expect(report.exitCode).toBe(1)
  })

  it('an empty CURL_CA_BUNDLE in this shell fails', async () => {
    const {report} = await made.doctor({env: {...made.shellEnv, CURL_CA_BUNDLE: ''}, offline: true})
    const finding = checkOf(report, 'overrides').find((f) => f.id === 'off:this shell:CURL_CA_BUNDLE')!
    expect(finding.status).toBe('fail')
    expect(finding.summary).toContain('requests before 2.28 switches verification off')
  })

  it('tracked code and scripts that switch verification off are warnings with file:line', async () => {
    const {report} = await made.doctor({offline: true})
    const warnings = checkOf(report, 'overrides').filter((f) => f.status === 'warn')
    expect(warnings.map((f) => [f.summary, f.evidence[0]])).toEqual([
      ['app.py:3: verify=False switches TLS verification off', 'r = requests.get(URL, verify=False)'],
      ['client.js:2: rejectUnauthorized: false switches TLS verification off', 'rejectUnauthorized: false,'],
      ['scripts/fetch.sh:2: curl -k/--insecure switches TLS verification off', 'curl -fsSk "$URL" -o out'],
    ])
    expect(warnings[2].fix).toBe('Remove -k/--insecure: curl verifies the team CA through CURL_CA_BUNDLE')
  })
})

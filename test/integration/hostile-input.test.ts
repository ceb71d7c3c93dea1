import {execa} from 'execa'
import {mkdir, readFile, readdir, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {parse} from 'dotenv'
import {afterAll, describe, expect, it} from 'vitest'

import {cleanEnv, dev} from '../helpers/cli.js'
import {makeRootCa, pinOf} from '../helpers/pki.js'
import {makeProject, removeProjects} from '../helpers/project.js'

afterAll(removeProjects)

/** Names, subjects and paths with shell metacharacters, quotes, newlines and unicode: no injection, no escape. */
describe('hostile input', () => {
  it('a CA subject full of shell syntax and newlines stays a comment, and sourcing env.sh runs nothing', async () => {
    const {dir, home} = await makeProject()
    const evil = makeRootCa({
      commonName: `x$(touch ${dir}/PWNED)\n\`touch ${dir}/PWNED2\`;'"\u00fc\r\nFAKE=1`,
    })
    await writeFile(join(dir, 'certs', 'evil.pem'), evil.certPem)
    const config = {
      authorities: [{fingerprints: [pinOf(evil.der)], name: 'evil', source: 'file:certs/evil.pem'}],
    }
    await writeFile(join(dir, '.devcerts.json'), JSON.stringify(config))
    const env = cleanEnv({DEV_CERTS_HOME: home})
    const result = await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
    expect(result.exitCode, result.stderr).toBe(0)
    const teamCa = await readFile(join(home, 'team-ca.pem'), 'utf8')
    const outsideBlocks = teamCa.replaceAll(
      /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g,
      '',
    )
    for (const line of outsideBlocks.split('\n').filter(Boolean)) expect(line.startsWith('# ')).toBe(true)
    expect(result.stderr).not.toMatch(/^FAKE=1/m)
    const sourced = await execa('bash', ['-c', `. "$1" && env`, 'sh', join(home, 'env.sh')], {
      env,
      extendEnv: false,
    })
    expect(sourced.stdout).not.toMatch(/^FAKE=/m)
    expect(await readdir(dir)).not.toContain('PWNED')
    expect(await readdir(dir)).not.toContain('PWNED2')
  })

  it('a DEV_CERTS_HOME with spaces, $, backticks and unicode is quoted right for bash and for dotenv', async () => {
    const {dir} = await makeProject()
    const home = join(dir, `my certs $(touch PWNED) \`id\` \u00fc\u4f60`, 'home')
    await mkdir(join(home, '..'), {recursive: true})
    const env = cleanEnv({DEV_CERTS_HOME: home})
    const result = await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
    expect(result.exitCode, result.stderr).toBe(0)
    const fromDotenv = parse(await readFile(join(dir, '.env')))
    expect(fromDotenv.REQUESTS_CA_BUNDLE).toBe(join(home, 'bundle.pem'))
    expect(fromDotenv.NODE_EXTRA_CA_CERTS).toBe(join(home, 'team-ca.pem'))
    const sourced = await execa(
      'bash',
      ['-c', '. "$1" && printf %s "$SSL_CERT_FILE"', 'sh', join(home, 'env.sh')],
      {
        cwd: dir,
        env,
        extendEnv: false,
      },
    )
    expect(sourced.stdout).toBe(join(home, 'bundle.pem'))
    expect(await readdir(dir)).not.toContain('PWNED')
  })

  it('a home path that dotenv cannot hold safely is refused with the fix, and nothing is written', async () => {
    const {dir} = await makeProject()
    const parent = join(dir, `it's "$HOME"`)
    await mkdir(parent)
    const home = join(parent, 'home')
    const result = await dev(['certs', 'setup', '--no-system'], {
      cwd: dir,
      env: cleanEnv({DEV_CERTS_HOME: home}),
    })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('cannot be written safely to a .env file')
    expect(result.stderr).toContain('Fix: Set DEV_CERTS_HOME')
    await expect(stat(home)).rejects.toThrow()
    await expect(stat(join(dir, '.env'))).rejects.toThrow()
  })
})

import {execa} from 'execa'
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv} from '../helpers/cli.js'
import {makeRootCa, pinOf} from '../helpers/pki.js'

const ALL = 'npm,pip,git,yarn,conda,aws,gcloud'
const TEAM_HOST = 'https://127.0.0.1:4443'
const probe = await execa('unshare', ['-n', 'true'], {reject: false})
const hasGcloud = !(await execa('sh', ['-c', 'command -v gcloud'], {reject: false})).failed
const skip = probe.failed ? `unshare -n is not available (needs root): ${probe.stderr}` : undefined

/**
 * Files a tool writes for itself whenever it runs (logs, caches, its own bookkeeping), not settings of ours.
 */
const TOOL_OWN = [
  /^\.npm(\/|$)/,
  /^\.config\/gcloud(\/(logs|\.last_|active_config|config_sentinel|configurations$)|$)/,
  // gcloud keeps its own directory there; a pip directory that setup left behind would still show below it.
  /^\.config$/,
]

async function snapshot(home: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const path of (await readdir(home, {recursive: true})).sort()) {
    if (TOOL_OWN.some((pattern) => pattern.test(path))) continue
    files[path] = await readFile(join(home, path), 'utf8').catch(() => '<dir>')
  }

  return files
}

/**
 * `--configure` against the real npm, pip, git and gcloud CLIs (yarn, conda and aws are edited as files) in a
 * temp HOME. Every dev-certs run is inside `unshare -n`, a network namespace with no interface up, so no tool
 * it starts can reach any host at all.
 */
describe.skipIf(skip)(`--configure round trip${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string
  let project: string
  let old: string
  const env = (home: string) =>
    cleanEnv({DEV_CERTS_HOME: join(home, 'certs'), GIT_CONFIG_NOSYSTEM: '1', HOME: home})
  const runDev = (args: string[], home: string) =>
    execa('unshare', ['-n', process.execPath, BIN, ...args], {
      cwd: project,
      env: env(home),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    })
  const tool = async (argv: string[], home: string) =>
    (await execa(argv[0], argv.slice(1), {env: env(home), extendEnv: false, reject: false})).stdout.trim()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-configure-'))
    project = join(dir, 'project')
    old = join(dir, 'old')
    await mkdir(project)
    await mkdir(old)
    for (const name of ['npm', 'pip', 'git', 'gcloud', 'conda']) await writeFile(join(old, `${name}.pem`), '')
    const root = makeRootCa({commonName: 'Configure Test Root'})
    await writeFile(join(project, 'root.pem'), root.certPem)
    const config = {
      authorities: [
        {fingerprints: [pinOf(root.der)], hosts: [TEAM_HOST], name: 'configure', source: 'file:root.pem'},
      ],
      configure: ['yarn'],
    }
    await writeFile(join(project, '.devcerts.json'), JSON.stringify(config))
  })

  afterAll(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('sets every tool, keeps what was there in state, and uninstall puts each file back byte for byte', async () => {
    const home = join(dir, 'with-values')
    await mkdir(join(home, '.aws'), {recursive: true})
    await writeFile(join(home, '.npmrc'), `fund=false\ncafile=${old}/npm.pem\n`)
    await writeFile(
      join(home, '.aws', 'config'),
      '[default]\nregion = eu-west-1\n\n[profile other]\nregion = x\n',
    )
    await writeFile(join(home, '.yarnrc.yml'), 'enableTelemetry: false\n')
    await writeFile(join(home, '.condarc'), `channels:\n  - conda-forge\nssl_verify: '${old}/conda.pem'\n`)
    // Written by the tools themselves, so the files have each tool's own format.
    await tool(['pip3', 'config', '--user', 'set', 'global.timeout', '5'], home)
    await tool(['pip3', 'config', '--user', 'set', 'global.cert', `${old}/pip.pem`], home)
    await tool(['git', 'config', '--global', 'user.name', 'Test'], home)
    await tool(['git', 'config', '--global', `http.${TEAM_HOST}/.sslCAInfo`, `${old}/git.pem`], home)
    // gcloud is not a Debian package: where it is missing, dev-certs edits its file, and so does this test.
    const gcloudFile = join(home, '.config', 'gcloud', 'configurations', 'config_default')
    if (hasGcloud)
      await tool(['gcloud', 'config', 'set', 'core/custom_ca_certs_file', `${old}/gcloud.pem`], home)
    else {
      await mkdir(join(gcloudFile, '..'), {recursive: true})
      await writeFile(gcloudFile, `[core]\ncustom_ca_certs_file = ${old}/gcloud.pem\n`)
    }

    const before = await snapshot(home)

    const setup = await runDev(['certs', 'setup', '--no-system', '--configure', ALL], home)
    expect(setup.exitCode, setup.stderr).toBe(0)
    const bundle = join(home, 'certs', 'bundle.pem')
    const teamCa = join(home, 'certs', 'team-ca.pem')
    // Each tool, asked through its own CLI where there is one, now answers with our file.
    expect(await tool(['npm', 'config', 'get', 'cafile'], home)).toBe(bundle)
    expect(await tool(['pip3', 'config', '--user', 'get', 'global.cert'], home)).toBe(bundle)
    expect(await tool(['git', 'config', '--global', '--get', `http.${TEAM_HOST}/.sslCAInfo`], home)).toBe(
      teamCa,
    )
    if (hasGcloud)
      expect(await tool(['gcloud', 'config', 'get', 'core/custom_ca_certs_file'], home)).toBe(bundle)
    else expect(await readFile(gcloudFile, 'utf8')).toBe(`[core]\ncustom_ca_certs_file = ${bundle}\n`)
    expect(await readFile(join(home, '.yarnrc.yml'), 'utf8')).toBe(
      `enableTelemetry: false\nhttpsCaFilePath: ${JSON.stringify(bundle)}\n`,
    )
    expect(await readFile(join(home, '.condarc'), 'utf8')).toContain(
      `ssl_verify: ${JSON.stringify(bundle)}\n`,
    )
    expect(await readFile(join(home, '.aws', 'config'), 'utf8')).toBe(
      `[default]\nregion = eu-west-1\nca_bundle = ${bundle}\n\n[profile other]\nregion = x\n`,
    )
    const state = JSON.parse(await readFile(join(home, 'certs', 'state.json'), 'utf8'))
    expect(
      Object.fromEntries(state.configured.map((r: {previous: string; tool: string}) => [r.tool, r.previous])),
    ).toEqual({
      aws: null,
      conda: `${old}/conda.pem`,
      gcloud: `${old}/gcloud.pem`,
      git: `${old}/git.pem`,
      npm: `${old}/npm.pem`,
      pip: `${old}/pip.pem`,
      yarn: null,
    })

    const again = await runDev(['certs', 'setup', '--no-system', '--configure', ALL], home)
    expect(again.stdout.trim(), again.stderr).toBe('Nothing to do: configure already set up.')

    const uninstall = await runDev(['certs', 'uninstall'], home)
    expect(uninstall.exitCode, uninstall.stderr).toBe(0)
    expect(await snapshot(home)).toEqual(before)
  })

  it('in a HOME without any config, uninstall leaves no file or directory that setup created', async () => {
    const home = join(dir, 'fresh')
    await mkdir(home)
    const setup = await runDev(['certs', 'setup', '--no-system', '--configure', ALL], home)
    expect(setup.exitCode, setup.stderr).toBe(0)
    expect(Object.keys(await snapshot(home))).toEqual(
      expect.arrayContaining(['.aws/config', '.condarc', '.gitconfig', '.npmrc', '.yarnrc.yml']),
    )
    const uninstall = await runDev(['certs', 'uninstall'], home)
    expect(uninstall.exitCode, uninstall.stderr).toBe(0)
    expect(await snapshot(home)).toEqual({})
  })

  it('a setting the user changed after setup is left alone, with a warning', async () => {
    const home = join(dir, 'changed')
    await mkdir(home)
    const setup = await runDev(['certs', 'setup', '--no-system', '--configure', 'yarn'], home)
    expect(setup.exitCode, setup.stderr).toBe(0)
    await writeFile(join(home, '.yarnrc.yml'), 'httpsCaFilePath: /somewhere/else.pem\n')
    const uninstall = await runDev(['certs', 'uninstall'], home)
    expect(uninstall.exitCode, uninstall.stderr).toBe(0)
    expect(uninstall.stderr).toContain('not the')
    expect(await readFile(join(home, '.yarnrc.yml'), 'utf8')).toBe('httpsCaFilePath: /somewhere/else.pem\n')
  })
})

import {execa} from 'execa'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {wantedVariables} from '../../src/env/clients.js'
import {BEGIN, END} from '../../src/env/managed-block.js'
import {BIN, cleanEnv, dev} from '../helpers/cli.js'
import {makeRootCa, pinOf} from '../helpers/pki.js'

const SHELLS = ['bash', 'zsh', 'fish'] as const
const missing = []
for (const shell of [...SHELLS, 'direnv']) {
  if ((await execa('sh', ['-c', `command -v ${shell}`], {reject: false})).failed) missing.push(shell)
}

const skip = missing.length > 0 ? `not installed: ${missing.join(', ')} (.ci/run installs them)` : undefined

/** Runs `script` in a real shell with exactly `env` and returns the environment it ends with, as a map. */
async function exported(
  shell: string,
  flags: string[],
  script: string,
  args: string[],
  env: Record<string, string>,
) {
  // bash and zsh take $0 before the positional arguments; fish takes them straight into $argv.
  const argv = shell === 'fish' ? [...flags, '-c', script, ...args] : [...flags, '-c', script, shell, ...args]
  const result = await execa(shell, argv, {env, extendEnv: false, reject: false, stdin: 'ignore'})
  expect(result.exitCode, `${shell}: ${result.stderr}`).toBe(0)
  return new Map(
    result.stdout
      .split('\0')
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  )
}

function expectVariables(vars: Map<string, string>, home: string) {
  const wanted = wantedVariables({bundle: join(home, 'bundle.pem'), teamCa: join(home, 'team-ca.pem')})
  expect(wanted.map(([name]) => [name, vars.get(name)])).toEqual(wanted)
}

/**
 * The snippets setup writes and the lines `dev certs env` prints, run by the real bash, zsh and fish with
 * paths that hold spaces, both quotes, `$` and a backslash: each shell must export exactly our absolute
 * paths.
 */
describe.skipIf(skip)(`shell snippets${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string
  let project: string
  let userHome: string
  /** A DEV_CERTS_HOME that .env can still hold (dotenv has no escape for both quotes at once). */
  let home: string
  const env = (extra: Record<string, string> = {}) =>
    cleanEnv({DEV_CERTS_HOME: home, HOME: userHome, XDG_CONFIG_HOME: join(userHome, '.config'), ...extra})

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-shells-'))
    project = join(dir, 'project')
    userHome = join(dir, 'user home')
    home = join(dir, "it's a dir")
    await mkdir(project, {recursive: true})
    await mkdir(userHome)
    const root = makeRootCa({commonName: 'Shell Test Root'})
    await writeFile(join(project, 'root.pem'), root.certPem)
    const config = {authorities: [{fingerprints: [pinOf(root.der)], name: 'shells', source: 'file:root.pem'}]}
    await writeFile(join(project, '.devcerts.json'), JSON.stringify(config))
    const result = await dev(['certs', 'setup', '--no-system'], {cwd: project, env: env()})
    expect(result.exitCode, result.stderr).toBe(0)
  })

  afterAll(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  for (const shell of SHELLS) {
    it(`${shell}: sourcing the snippet setup wrote exports every variable with its exact path`, async () => {
      const snippet = join(home, shell === 'fish' ? 'env.fish' : 'env.sh')
      const script = shell === 'fish' ? 'source $argv[1]; and env -0' : '. "$1" && env -0'
      expectVariables(await exported(shell, [], script, [snippet], env()), home)
    })

    it(`${shell}: evaluating \`dev certs env\` exports the same paths, even with both quotes, $ and \\`, async () => {
      const nasty = join(dir, `a "q" it's $x \\ dir`)
      await mkdir(nasty)
      await writeFile(join(nasty, 'bundle.pem'), '')
      await writeFile(join(nasty, 'team-ca.pem'), '')
      const script =
        shell === 'fish'
          ? '$argv[1] $argv[2] certs env --shell fish | source; and env -0'
          : 'eval "$("$1" "$2" certs env)" && env -0'
      const vars = await exported(shell, [], script, [process.execPath, BIN], env({DEV_CERTS_HOME: nasty}))
      expectVariables(vars, nasty)
      await rm(nasty, {force: true, recursive: true})
    })

    it(`${shell}: --shell-profile adds one line the shell reads, and uninstall restores the profile exactly`, async () => {
      const profiles = {
        bash: join(userHome, '.bashrc'),
        fish: join(userHome, '.config', 'fish', 'config.fish'),
        zsh: join(userHome, '.zshrc'),
      }
      const profile = profiles[shell]
      const original = `# ${shell} profile that ends without a newline\nalias ll='ls -l'`
      await mkdir(join(profile, '..'), {recursive: true})
      await writeFile(profile, original)
      const shellEnv = env({SHELL: `/usr/bin/${shell}`})
      const setup = await dev(['certs', 'setup', '--no-system', '--shell-profile'], {
        cwd: project,
        env: shellEnv,
      })
      expect(setup.exitCode, setup.stderr).toBe(0)
      const text = await readFile(profile, 'utf8')
      expect(text.startsWith(original)).toBe(true)
      const added = text.slice(original.length).split(/\r?\n/).filter(Boolean)
      expect([added.length, added[0], added.at(-1)]).toEqual([3, BEGIN, END])

      // An interactive shell reads its profile by itself: no snippet is named here.
      const flags = shell === 'fish' ? [] : ['-i']
      expectVariables(await exported(shell, flags, 'env -0', [], shellEnv), home)

      const uninstall = await dev(['certs', 'uninstall'], {cwd: project, env: shellEnv})
      expect(uninstall.exitCode, uninstall.stderr).toBe(0)
      expect(await readFile(profile, 'utf8')).toBe(original)
      const again = await dev(['certs', 'setup', '--no-system'], {cwd: project, env: shellEnv})
      expect(again.exitCode, again.stderr).toBe(0)
    })
  }

  it('direnv: --direnv adds one line to .envrc, and `direnv exec` exports our paths', async () => {
    const setup = await dev(['certs', 'setup', '--no-system', '--direnv'], {cwd: project, env: env()})
    expect(setup.exitCode, setup.stderr).toBe(0)
    const direnvEnv = env({XDG_DATA_HOME: join(userHome, '.local', 'share')})
    const allow = await execa('direnv', ['allow', project], {env: direnvEnv, extendEnv: false, reject: false})
    expect(allow.exitCode, allow.stderr).toBe(0)
    const run = await execa('direnv', ['exec', project, 'env', '-0'], {env: direnvEnv, extendEnv: false})
    const vars = new Map(
      run.stdout
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    )
    expectVariables(vars, home)
    const uninstall = await dev(['certs', 'uninstall'], {cwd: project, env: env()})
    expect(uninstall.exitCode, uninstall.stderr).toBe(0)
    await expect(readFile(join(project, '.envrc'))).rejects.toThrow()
  })

  it.skip('pwsh: env.ps1 and the PowerShell profile line (skipped: Debian packages no PowerShell)', () => {})
})

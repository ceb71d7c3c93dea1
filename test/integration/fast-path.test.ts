import {execa} from 'execa'
import {existsSync} from 'node:fs'
import {appendFile, cp, mkdir, readFile, rm, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'

import {cleanEnv, dev, REPO} from '../helpers/cli.js'
import {makeRootCa, pinOf} from '../helpers/pki.js'
import {makeProject, removeProjects} from '../helpers/project.js'

afterAll(removeProjects)

/** The no-op fast path answers without oclif; it must never hide a change that needs work. */
describe('the no-op fast path', () => {
  const setup = (dir: string, home: string, extra: string[] = []) =>
    dev(['certs', 'setup', '--no-system', ...extra], {
      cwd: dir,
      env: cleanEnv({DEBUG: 'dev-certs:*', DEV_CERTS_HOME: home}),
    })

  it('answers a repeated setup, and steps aside for every change that needs work', async () => {
    const {dir, home} = await makeProject()
    expect((await setup(dir, home)).stdout).toContain('Set up team')
    const quiet = await setup(dir, home)
    expect(quiet.stdout).toBe('Nothing to do: team already set up.')
    // Only the stamp check ran (no oclif, no plan), and DEBUG says so in one line.
    expect(quiet.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/dev-certs:noop nothing to do: \d+ recorded files unchanged/),
    ])

    // The user removes our block from .env: it comes back.
    await writeFile(join(dir, '.env'), 'MINE=1\n')
    expect((await setup(dir, home)).stdout).toContain('Set up team')
    expect(await readFile(join(dir, '.env'), 'utf8')).toContain('NODE_EXTRA_CA_CERTS=')

    // A generated file is damaged: it is regenerated.
    await appendFile(join(home, 'bundle.pem'), 'garbage')
    expect((await setup(dir, home)).stdout).toContain('Set up team')

    // The team rotates its CA (new file, new pin): the new CA is trusted.
    const next = makeRootCa({commonName: 'Next Team Root'})
    await writeFile(join(dir, 'certs', 'root.pem'), next.certPem)
    const config = {
      authorities: [{fingerprints: [pinOf(next.der)], name: 'team', source: 'file:certs/root.pem'}],
    }
    await writeFile(join(dir, '.devcerts.json'), JSON.stringify(config))
    expect((await setup(dir, home)).stdout).toContain('Set up team')
    expect(await readFile(join(home, 'team-ca.pem'), 'utf8')).toContain('Next Team Root')

    // Other flags are a different wanted state, and --json always takes the full path.
    expect((await setup(dir, home, ['--json'])).stdout).toContain('"status": "up-to-date"')
    expect((await setup(dir, home)).stdout).toBe('Nothing to do: team already set up.')
  })
})

/** `.noop-stamps.json` is setup's own cache: whatever it holds, setup does its job and exits 0. */
describe('a damaged no-op stamp', () => {
  const damaged: Array<[string, string | 'dir']> = [
    ['null', 'null'],
    ['an array', '[]'],
    ['a stamp of the wrong shape', '{"0123": 5, "4567": {"files": null}}'],
    ['half a file', '{"0123": {"files": {'],
    // The stamp is written atomically but not synced: a crash may leave it empty on some file systems.
    ['an empty file', ''],
    ['a directory', 'dir'],
  ]

  it.each(damaged)(
    '%s: setup works, without and with oclif, and says nothing is wrong',
    async (_name, content) => {
      const {dir, home} = await makeProject()
      const env = cleanEnv({DEV_CERTS_HOME: home})
      expect((await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})).exitCode).toBe(0)
      const stamps = join(home, '.noop-stamps.json')
      await rm(stamps, {force: true})
      if (content === 'dir') await mkdir(stamps)
      else await writeFile(stamps, content)
      for (const extra of [[], ['--json']]) {
        const result = await dev(['certs', 'setup', '--no-system', ...extra], {cwd: dir, env})
        expect(result.exitCode, result.stderr).toBe(0)
        expect(result.stderr).not.toMatch(/TypeError|Error:/)
      }

      // Once the cache is a file again, the next run can answer early.
      if (content !== 'dir') {
        expect((await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})).stdout).toBe(
          'Nothing to do: team already set up.',
        )
      }
    },
  )

  it('an older stamp (what a crash may leave of an unsynced one) does not answer for files changed since', async () => {
    const {dir, home} = await makeProject()
    const env = cleanEnv({DEV_CERTS_HOME: home})
    const setup = () => dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
    expect((await setup()).exitCode).toBe(0)
    const stamps = join(home, '.noop-stamps.json')
    const older = await readFile(stamps)
    await appendFile(join(dir, '.env'), 'MINE=1\n')
    await rm(join(home, 'env.fish'))
    expect((await setup()).stdout).toMatch(/^Set up team/)
    await writeFile(stamps, older)
    const again = await dev(['certs', 'setup', '--no-system'], {
      cwd: dir,
      env: {...env, DEBUG: 'dev-certs:noop'},
    })
    // The fast path stepped aside; the full run found the files right and recorded what they hold now.
    expect(again.stderr).toContain(`full run: ${join(dir, '.env')} changed since the last run`)
    expect(again.exitCode).toBe(0)
    expect(await readFile(stamps)).not.toEqual(older)
  })
})

/**
 * The same `certs setup` through oclif's dispatcher, which bin/run.js skips for simple flags; oclif is given the
 * package root, as bin/run.js gives it (bin/ has a package.json of its own).
 */
async function throughOclif(args: string[], options: {cwd: string; env: Record<string, string>}) {
  const oclif = pathToFileURL(join(REPO, 'node_modules', '@oclif', 'core', 'lib', 'index.js')).href
  const script = `const {execute} = await import(${JSON.stringify(oclif)})
await execute({args: process.argv.slice(1), dir: ${JSON.stringify(REPO)}})`
  return execa(process.execPath, ['--input-type=module', '-e', script, ...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  })
}

/** A first setup with simple flags runs without oclif; what the user sees must not depend on that. */
describe('the direct setup path', () => {
  let someoneElse: ReturnType<typeof makeRootCa> | undefined
  const cases: Array<{args: string[]; name: string; prepare?: (dir: string) => Promise<void>}> = [
    {args: ['--no-system'], name: 'a first setup'},
    {
      args: ['--no-system', '--yes', '--config', '.devcerts.json'],
      name: 'a first setup with --yes and --config',
    },
    {
      args: ['--no-system'],
      name: 'a pin that does not match',
      async prepare(dir) {
        someoneElse ??= makeRootCa({commonName: 'Someone Else'})
        await writeFile(join(dir, 'certs', 'root.pem'), someoneElse.certPem)
      },
    },
    {args: ['--no-system', '--config', 'missing.json'], name: 'a missing --config file'},
    // oclif's own usage errors: the direct path must not read these argv differently.
    {args: ['--no-system', '--config', '--shell-profile'], name: '--config followed by a flag'},
    {args: ['--no-system', '--config', 'bad.json', '--config', '.devcerts.json'], name: '--config twice'},
    // Found by a breaker: the direct path read the flag after `=` as a file name; oclif refuses it.
    {args: ['--no-system', '--config=-y'], name: '--config=-y'},
    {args: ['--config=--no-system', '--no-system'], name: '--config= one of its flags'},
  ]

  it.each(cases)('$name: same output and exit code with and without oclif', async ({args, prepare}) => {
    const runs = []
    for (const via of [dev, throughOclif]) {
      const {dir, home} = await makeProject()
      await prepare?.(dir)
      const result = await via(['certs', 'setup', ...args], {cwd: dir, env: cleanEnv({DEV_CERTS_HOME: home})})
      const local = (text: string) => text.replaceAll(dir, '<project>')
      const wrote = existsSync(join(dir, '.env'))
      runs.push({
        exitCode: result.exitCode,
        stderr: local(result.stderr),
        stdout: local(result.stdout),
        wrote,
      })
    }

    expect(runs[0].stdout + runs[0].stderr).not.toBe('')
    expect(runs[0]).toEqual(runs[1])
    // A failed run wrote nothing, on either path.
    if (runs[0].exitCode !== 0) expect(runs[0].wrote).toBe(false)
  })
})

/** `certs doctor` with simple flags also runs without oclif; the report must not depend on that. */
describe('the direct doctor path', () => {
  const cases: Array<{args: string[]; name: string}> = [
    {args: ['--offline'], name: 'an offline check of a set-up project'},
    {args: ['--offline', '--timeout=5', '--config', '.devcerts.json'], name: 'with --timeout and --config'},
    {args: ['--offline', '--config', 'missing.json'], name: 'a missing --config file'},
    {args: ['--offline', '--timeout', '1e3'], name: 'a --timeout that is not a whole number'},
    {args: ['--config', '--offline'], name: '--config followed by a flag'},
    {args: ['--offline', '--timeout', '5', '--timeout', '6'], name: '--timeout twice'},
    {args: ['--config=--offline'], name: '--config= one of its flags'},
  ]

  it.each(cases)('$name: same report and exit code with and without oclif', async ({args}) => {
    const {dir, home} = await makeProject()
    const env = cleanEnv({DEV_CERTS_HOME: home, NO_COLOR: '1'})
    expect((await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})).exitCode).toBe(0)
    const runs = []
    for (const via of [dev, throughOclif]) {
      const result = await via(['certs', 'doctor', ...args], {cwd: dir, env})
      // The run's own duration is the one thing that differs.
      const steady = (text: string) => text.replaceAll(/\(\d+(\.\d+)? s\b/g, '(N s')
      runs.push({exitCode: result.exitCode, stderr: steady(result.stderr), stdout: steady(result.stdout)})
    }

    expect(runs[0].stdout + runs[0].stderr).toMatch(/dev certs doctor|Error: /)
    expect(runs[0]).toEqual(runs[1])
  })
})

describe('help on the commands the direct paths take', () => {
  it.each([
    ['setup', '-h'],
    ['setup', '--help'],
    ['doctor', '-h'],
    ['doctor', '--help'],
  ])('certs %s %s: oclif prints the usage, exit 0', async (command, flag) => {
    const {dir, home} = await makeProject()
    const result = await dev(['certs', command, flag], {cwd: dir, env: cleanEnv({DEV_CERTS_HOME: home})})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain(`$ dev certs ${command}`)
    await expect(readFile(join(dir, '.env'))).rejects.toThrow()
  })
})

/** Found by a breaker: what bin/run.js does when the direct setup itself breaks. */
describe('the direct setup when something breaks', () => {
  it('an error no command expected exits 1, whatever Node does with unhandled rejections', async () => {
    const {dir, home} = await makeProject()
    // Fault injection: stdout fails when setup prints its summary, as a closed pipe would.
    const inject = join(dir, 'stdout-fails.cjs')
    await writeFile(
      inject,
      "process.stdout.write = () => { throw Object.assign(new Error('injected'), {code: 'EINJECT'}) }\n",
    )
    for (const mode of ['', '--unhandled-rejections=warn', '--unhandled-rejections=none']) {
      const env = cleanEnv({DEV_CERTS_HOME: home, NODE_OPTIONS: `--require ${inject} ${mode}`})
      await rm(home, {force: true, recursive: true})
      const result = await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
      expect(result.exitCode, mode).toBe(1)
      expect(result.stderr).toContain('Error: injected\nCode: EINJECT')
    }
  })

  it('a build without its setup bundle says so, and exits 1', async () => {
    const {dir, home} = await makeProject()
    const copy = join(dir, 'package-copy')
    await mkdir(copy)
    for (const part of ['bin', 'dist', 'templates', 'package.json', 'oclif.manifest.json']) {
      await cp(join(REPO, part), join(copy, part), {recursive: true})
    }
    await symlink(join(REPO, 'node_modules'), join(copy, 'node_modules'))
    await rm(join(copy, 'dist', 'cli', 'setup.cjs'))
    const result = await execa(
      process.execPath,
      [join(copy, 'bin', 'run.js'), 'certs', 'setup', '--no-system'],
      {
        cwd: dir,
        env: cleanEnv({DEV_CERTS_HOME: home}),
        extendEnv: false,
        reject: false,
      },
    )
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(
      `Error: ${join(copy, 'dist', 'cli', 'setup.cjs')} is missing: the package is incomplete.`,
    )
    expect(existsSync(home)).toBe(false)
  })
})

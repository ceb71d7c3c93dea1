import {execa} from 'execa'
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {applyPlan} from '../../src/plan/apply.js'
import {type Step} from '../../src/plan/step.js'
import {stageFile} from '../../src/system/files.js'
import {cleanEnv, dev} from '../helpers/cli.js'
import {makeProject, removeProjects} from '../helpers/project.js'

/** Inputs a breaker found (links that lead nowhere, temp files of killed runs, a rename that fails). */
afterAll(removeProjects)

const setup = (dir: string, home: string) =>
  dev(['certs', 'setup', '--no-system'], {cwd: dir, env: cleanEnv({DEV_CERTS_HOME: home, HOME: dir})})
const uninstall = (dir: string, home: string) =>
  dev(['certs', 'uninstall', '--yes'], {cwd: dir, env: cleanEnv({DEV_CERTS_HOME: home, HOME: dir})})

describe('a .env link that leads nowhere yet', () => {
  it('to a place outside the project: refused, and nothing created there', async () => {
    const {dir, home} = await makeProject()
    const outside = await mkdtemp(join(tmpdir(), 'dev-certs-outside-'))
    await symlink(join(outside, 'new', 'dangling.env'), join(dir, '.env'))
    const result = await setup(dir, home)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(
      `${join(dir, '.env')} is a link to ${join(outside, 'new', 'dangling.env')}`,
    )
    expect(result.stderr).toContain('outside the project')
    expect(await readdir(outside)).toEqual([])
    await rm(outside, {force: true, recursive: true})
  })

  it('inside the project: setup creates the file it points to; uninstall removes that file and keeps the link', async () => {
    const {dir, home} = await makeProject()
    await symlink('missing.env', join(dir, '.env'))
    expect((await setup(dir, home)).exitCode).toBe(0)
    expect((await lstat(join(dir, '.env'))).isSymbolicLink()).toBe(true)
    expect(await readFile(join(dir, 'missing.env'), 'utf8')).toContain('NODE_EXTRA_CA_CERTS=')

    expect((await uninstall(dir, home)).exitCode).toBe(0)
    expect(await readlink(join(dir, '.env'))).toBe('missing.env')
    await expect(stat(join(dir, 'missing.env'))).rejects.toThrow()
  })
})

describe('temp files of a killed run', () => {
  it('are cleared by the next run that writes or removes in their directory, uninstall included', async () => {
    const {dir, home} = await makeProject()
    const original = 'KEEP=1\n'
    await writeFile(join(dir, '.env'), original)
    expect((await setup(dir, home)).exitCode).toBe(0)
    // A pid that is gone: a process that has exited.
    const exited = execa(process.execPath, ['-e', '0'])
    await exited
    const pid = exited.pid!
    const temps = [join(home, `.bundle.pem.${pid}.0badc0de.tmp`), join(dir, `..env.${pid}.0badc0de.tmp`)]
    for (const temp of temps) await writeFile(temp, 'half of a file')
    // Someone else's file that only looks like ours stays: its pid is alive (this test).
    const alive = join(home, `.team-ca.pem.${process.pid}.0badc0de.tmp`)
    await writeFile(alive, 'a live run')

    expect((await uninstall(dir, home)).exitCode).toBe(0)
    for (const temp of temps) await expect(stat(temp)).rejects.toThrow()
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(original)
    expect(await readdir(home)).toEqual([`.team-ca.pem.${process.pid}.0badc0de.tmp`])
  })
})

// Found by a breaker: every successful setup removed DEV_CERTS_HOME/staged with whatever was in it.
describe("a DEV_CERTS_HOME of the user's own", () => {
  it('keeps a `staged` directory of theirs through setup and a second setup', async () => {
    const {dir, home} = await makeProject()
    await mkdir(join(home, 'staged'), {recursive: true})
    await writeFile(join(home, 'staged', 'notes.txt'), 'mine\n')
    const env = cleanEnv({DEV_CERTS_HOME: home})
    for (const run of [1, 2]) {
      const result = await dev(['certs', 'setup', '--no-system'], {cwd: dir, env})
      expect(result.exitCode, `run ${run}: ${result.stderr}`).toBe(0)
      expect(await readFile(join(home, 'staged', 'notes.txt'), 'utf8')).toBe('mine\n')
    }
  })
})

const root = process.getuid?.() === 0
const probe = root ? await immutableDirWorks() : false

async function immutableDirWorks(): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'dev-certs-chattr-'))
  const set = await execa('chattr', ['+i', dir], {reject: false})
  await execa('chattr', ['-i', dir], {reject: false})
  await rm(dir, {force: true, recursive: true})
  return !set.failed
}

/** A temp dir that a test may make immutable (chattr +i refuses renames and removals there, even to root). */
async function inScratchDir(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dev-certs-immutable-'))
  try {
    await work(dir)
  } finally {
    await execa('chattr', ['-i', dir])
    await rm(dir, {force: true, recursive: true})
  }
}

describe.skipIf(!probe)(
  `an immutable directory${probe ? '' : ' (skipped: needs root and chattr on the temp dir)'}`,
  () => {
    it('a rename that fails is reported as the write that failed, even when its temp file cannot be removed either', () =>
      inScratchDir(async (dir) => {
        const target = join(dir, 'bundle.pem')
        const staged = await stageFile(target, 'content')
        await execa('chattr', ['+i', dir])
        await expect(staged.commit()).rejects.toMatchObject({
          code: 'FS_EPERM',
          message: expect.stringContaining(`Could not write ${target}: EPERM`),
        })
      }))

    it('a rollback that cannot put a file back says which, after the error that led to the rollback', () =>
      inScratchDir(async (dir) => {
        const file = join(dir, 'a.env')
        await writeFile(file, 'KEEP=1\n')
        const steps: Step[] = [
          {
            admin: false,
            content: 'KEEP=1\nOURS=1\n',
            kind: 'write',
            mode: 0o644,
            path: file,
            why: 'the block',
          },
          {admin: false, argv: ['chattr', '+i', dir], kind: 'run', why: 'the directory becomes immutable'},
          {admin: false, argv: ['false'], kind: 'run', why: 'a step that fails'},
        ]
        const failed = applyPlan(steps, {
          interactive: false,
          progress: () => {},
          stagedDir: join(dir, 'staged'),
        })
        await expect(failed).rejects.toThrow(
          new RegExp(
            '`false` failed with exit code 1[\\s\\S]*\\nPutting back what this run changed failed too:\\n' +
              `  Could not write ${file}: EPERM`,
          ),
        )
      }))
  },
)

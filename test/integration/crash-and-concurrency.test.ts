import {execa} from 'execa'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {BEGIN} from '../../src/env/managed-block.js'
import {BIN, cleanEnv, REPO} from '../helpers/cli.js'
import {makeProject, removeProjects} from '../helpers/project.js'

afterAll(removeProjects)

describe('crashes and concurrent runs lose nothing', () => {
  it('SIGKILL at random points: every file is old or new, the next setup repairs it (short run of the script)', async () => {
    const result = await execa(
      process.execPath,
      ['scripts/crash-test.mjs', '--iterations', '8', '--seed', '11'],
      {
        cwd: REPO,
        reject: false,
      },
    )
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/crash test: 8 SIGKILLs .* 0 violations/)
    expect(result.exitCode).toBe(0)
  })

  it('4 setups at once on one home end in one consistent state, with no error but "waiting for lock"', async () => {
    const {dir, home} = await makeProject()
    const env = cleanEnv({DEV_CERTS_HOME: home})
    const runs = await Promise.all(
      Array.from({length: 4}, () =>
        execa(process.execPath, [BIN, 'certs', 'setup', '--no-system'], {
          cwd: dir,
          env,
          extendEnv: false,
          reject: false,
        }),
      ),
    )
    expect(runs.map((run) => run.exitCode)).toEqual([0, 0, 0, 0])
    const errorLines = runs
      .flatMap((run) => run.stderr.split('\n'))
      .filter((line) => /error|warning|fail/i.test(line) && !line.includes('waiting for lock'))
    expect(errorLines).toEqual([])
    const env1 = await readFile(join(dir, '.env'), 'utf8')
    expect(env1.split(BEGIN).length - 1).toBe(1)
    const summaries = runs.map((run) => run.stdout.trim())
    expect(summaries.filter((line) => line.startsWith('Set up team'))).toHaveLength(1)
    expect(summaries.filter((line) => line.startsWith('Nothing to do'))).toHaveLength(3)
    const again = await execa(process.execPath, [BIN, 'certs', 'setup', '--no-system'], {
      cwd: dir,
      env,
      extendEnv: false,
    })
    expect(again.stdout).toContain('Nothing to do')
  })
})

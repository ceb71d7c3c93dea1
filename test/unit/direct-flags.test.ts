import {Config} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {directDoctorFlags} from '../../src/cli/doctor.js'
import {fastSetupArgs} from '../../src/cli/fast-path.js'
import {defaultDataDir} from '../../src/system/paths.js'
import {REPO} from '../helpers/cli.js'

/** Which runs bin/run.js may take without oclif: anything it does not fully understand goes to oclif. */
describe('flags the direct paths take', () => {
  it('setup: the simple flags, and nothing else', () => {
    expect(fastSetupArgs(['--no-system', '-y', '--config', 'x.json'])).toMatchObject({
      configFile: 'x.json',
      system: false,
      yes: true,
    })
    expect(fastSetupArgs(['--config=a=b.json'])).toMatchObject({configFile: 'a=b.json'})
    const refused = [
      ['--json'],
      ['--dry-run'],
      ['--help'],
      ['--browsers'],
      ['--config'],
      ['--sytem'],
      // oclif reads these as errors: a flag where a value should be, a value flag given twice.
      ['--config', '--shell-profile'],
      ['--config', '-y'],
      ['--config', 'a.json', '--config', 'b.json'],
      ['--config=a.json', '--config=b.json'],
      // oclif refuses a value that is one of its flags even after `=` (found by a breaker: -y read as a file).
      ['--config=-y'],
      ['--config=--no-system', '--no-system'],
    ]
    for (const args of refused) {
      expect(fastSetupArgs(args), args.join(' ')).toBeUndefined()
    }
  })

  it('doctor: --offline, --fix, --config and a whole --timeout; oclif owns the rest and its errors', () => {
    expect(directDoctorFlags([])).toEqual({timeout: 10})
    expect(directDoctorFlags(['--timeout', '05', '--offline', '--offline'])).toEqual({
      offline: true,
      timeout: 5,
    })
    expect(directDoctorFlags(['--offline', '--fix', '--config=a=b.json', '--timeout', '3'])).toEqual({
      config: 'a=b.json',
      fix: true,
      offline: true,
      timeout: 3,
    })
    const refused = [
      ['--json'],
      ['--help'],
      ['-h'],
      ['--config'],
      ['--timeout', '0'],
      ['--timeout=1.5'],
      ['--timeout', 'soon'],
      ['--timeout', '1e3'],
      ['--timeout', '+5'],
      ['--timeout', '5.0'],
      ['--timeout', '0x5'],
      ['--timeout', ' 5'],
      ['--timeout', '3601'],
      ['--timeout', '5', '--timeout', '6'],
      ['--config', '--offline'],
      ['--offline', '--config', '--fix'],
      ['--config', 'a', '--config', 'b'],
      ['--config=--offline'],
      ['--fix', '--config=--offline', '--offline'],
      ['--offline=false'],
      ['extra'],
    ]
    for (const args of refused) expect(directDoctorFlags(args), args.join(' ')).toBeUndefined()
  })
})

/** The direct paths find the home without oclif; the oclif commands and the hook get oclif's dataDir. */
describe('the data dir without oclif', () => {
  const cases: Array<Record<string, string | undefined>> = [
    {DEV_DATA_DIR: undefined, XDG_DATA_HOME: undefined},
    {DEV_DATA_DIR: undefined, XDG_DATA_HOME: '/srv/xdg'},
    {DEV_DATA_DIR: undefined, XDG_DATA_HOME: 'relative/xdg'},
    {DEV_DATA_DIR: '/srv/dev-data', XDG_DATA_HOME: '/srv/xdg'},
  ]

  it.each(cases)('is what oclif computes, with %o', async (vars) => {
    const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]))
    try {
      for (const [key, value] of Object.entries(vars)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }

      const config = await Config.load(REPO)
      expect(defaultDataDir(process.env)).toBe(config.dataDir)
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    }
  })
})

import {describe, expect, it} from 'vitest'

import {directDoctorFlags} from '../../src/cli/doctor.js'
import {fastSetupArgs} from '../../src/cli/fast-path.js'

/** Which runs bin/run.js may take without oclif: anything it does not fully understand goes to oclif. */
describe('flags the direct paths take', () => {
  it('setup: the simple flags, and nothing else', () => {
    expect(fastSetupArgs(['--no-system', '-y', '--config', 'x.json'])).toMatchObject({
      configFile: 'x.json',
      system: false,
      yes: true,
    })
    expect(fastSetupArgs(['--config=a=b.json'])).toMatchObject({configFile: 'a=b.json'})
    for (const args of [['--json'], ['--dry-run'], ['--help'], ['--browsers'], ['--config'], ['--sytem']]) {
      expect(fastSetupArgs(args), args.join(' ')).toBeUndefined()
    }
  })

  it('doctor: --offline, --fix, --config and a whole --timeout; oclif owns the rest and its errors', () => {
    expect(directDoctorFlags([])).toEqual({timeout: 10})
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
      ['--offline=false'],
      ['extra'],
    ]
    for (const args of refused) expect(directDoctorFlags(args), args.join(' ')).toBeUndefined()
  })
})

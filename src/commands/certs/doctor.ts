import {Flags} from '@oclif/core'

import {DevCertsCommand} from '../../cli/command.js'
import {doctorCommand, MAX_TIMEOUT} from '../../cli/doctor.js'
import {type DoctorReport} from '../../doctor/report.js'

export default class CertsDoctor extends DevCertsCommand {
  static override description = `Checks the team config, the authorities and their pins, the OS store, \
the generated files, the environment (this shell, .env, the shell profile), anything that switches \
verification off, and, for each host in .devcerts.json, a real TLS handshake per client (Node, Python \
requests and httpx, curl). Each finding comes with its fix; the fixes are listed at the end. The doctor \
never switches verification off.

Exit codes: 0 no failure (warnings allowed); 1 at least one failure, or an error.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --offline',
    '<%= config.bin %> <%= command.id %> --fix',
    '<%= config.bin %> <%= command.id %> --json',
  ]
  static override flags = {
    config: Flags.string({description: 'path to the team config (default: .devcerts.json searched upward)'}),
    fix: Flags.boolean({
      description: 'run the setup steps that clear the fixable findings, then check again',
    }),
    offline: Flags.boolean({description: 'skip the network: no network sources, no live handshakes'}),
    timeout: Flags.integer({
      default: 10,
      description: 'seconds each check (and each client) may take',
      max: MAX_TIMEOUT,
      min: 1,
    }),
  }
  static override summary =
    'Say, client by client, whether TLS to the team hosts verifies, and how to fix it.'

  async run(): Promise<DoctorReport> {
    const {flags} = await this.parse(CertsDoctor)
    return doctorCommand(flags, this, this.config.dataDir)
  }
}

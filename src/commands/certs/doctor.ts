import {Command, Flags} from '@oclif/core'

import {runDoctor} from '../../doctor/run-doctor.js'
import {renderReport} from '../../doctor/render.js'
import {type DoctorReport} from '../../doctor/report.js'
import {failWith} from '../../cli/present.js'

export default class CertsDoctor extends Command {
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
      min: 1,
    }),
  }
  static override summary =
    'Say, client by client, whether TLS to the team hosts verifies, and how to fix it.'

  async run(): Promise<DoctorReport> {
    const {flags} = await this.parse(CertsDoctor)
    const quiet = this.jsonEnabled()
    const options = {
      configFile: flags.config,
      cwd: process.cwd(),
      dataDir: this.config.dataDir,
      env: process.env,
      offline: Boolean(flags.offline),
      timeoutMs: flags.timeout * 1000,
    }
    const first = await runDoctor(options)
    const {findings} = first
    let {report} = first
    if (flags.fix && findings.some((f) => f.status !== 'ok' && f.repair)) {
      // Setup's modules load only when there is something to fix: the plain doctor stays light.
      const {repair} = await import('../../doctor/fix.js')
      const fixed = await repair(findings, {
        ...options,
        interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
        progress: (line) => quiet || this.logToStderr(`  ${line}`),
      }).catch((error: unknown) => failWith(this, error))
      report = {...(await runDoctor(options)).report, fixed}
    }

    if (!quiet) this.log(renderReport(report, {colour: useColour()}))
    process.exitCode = report.exitCode
    return report
  }
}

/** https://no-color.org: a non-empty NO_COLOR wins, then FORCE_COLOR; else colour only on a terminal. */
function useColour(): boolean {
  if (process.env.NO_COLOR) return false
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0'
  return Boolean(process.stdout.isTTY)
}

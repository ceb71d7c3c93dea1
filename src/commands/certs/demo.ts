import {Flags} from '@oclif/core'

import {DevCertsCommand} from '../../cli/command.js'
import {type DemoReport, runDemo} from '../../demo/run-demo.js'
import {type ProbeResult} from '../../doctor/probes.js'

export default class CertsDemo extends DevCertsCommand {
  static override description = `Generates a throwaway CA, starts a local HTTPS gateway on 127.0.0.1, writes a temp \
project pinned to it, runs setup with --no-system into a temp DEV_CERTS_HOME, and shows each client (Node; Python and \
curl when present) failing before and verifying after. Needs no admin rights and touches nothing outside its temp dir.

Exit codes: 0 every installed client verified after setup; 1 otherwise.`
  static override enableJsonFlag = true
  static override flags = {
    keep: Flags.boolean({description: 'keep the temp dir (project, .env, generated files) to look at'}),
  }
  static override summary = 'See dev-certs work end to end on a local demo gateway.'

  async run(): Promise<DemoReport> {
    const {flags} = await this.parse(CertsDemo)
    const quiet = this.jsonEnabled()
    const report = await runDemo({keep: flags.keep, progress: (line) => quiet || this.logToStderr(line)})
    if (!quiet) {
      this.log('')
      this.log(`${'client'.padEnd(16)}${'before setup'.padEnd(52)}after setup`)
      for (const {after, before, client} of report.clients) {
        this.log(`${client.padEnd(16)}${cell(before).padEnd(52)}${cell(after)}`)
      }

      this.log('')
      this.log(
        report.ok
          ? 'Every client verifies the gateway, with verification on.'
          : 'Some clients still fail: see above.',
      )
      if (flags.keep) this.log(`Kept ${report.tempDir}`)
    }

    process.exitCode = report.ok ? 0 : 1
    return report
  }
}

function cell(result: ProbeResult): string {
  if (!result.installed) return '- not installed'
  const text = result.ok
    ? `ok ${result.message}`
    : `FAIL ${result.code ? `${result.code}: ` : ''}${result.message}`
  return text.length > 50 ? `${text.slice(0, 49)}…` : text
}

import {Flags} from '@oclif/core'

import {DevCertsCommand} from '../../cli/command.js'
import {failWith, printManual, printWarnings} from '../../cli/present.js'
import {runUninstall, type UninstallReport} from '../../plan/uninstall-run.js'

export default class CertsUninstall extends DevCertsCommand {
  static override description = `Removes what setup added: the anchors in the OS store, the generated CA files, and the \
marked blocks in .env files and shell profiles. Every file we touched ends byte-identical to how it was before setup.

Exit codes: 0 done or nothing to remove; 1 error; 3 admin steps left (printed).`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --dry-run',
  ]
  static override flags = {
    'dry-run': Flags.boolean({description: 'print the exact plan and change nothing'}),
    yes: Flags.boolean({char: 'y', description: 'do not ask; run admin steps through sudo when possible'}),
  }
  static override summary = 'Remove everything dev-certs set up.'

  async run(): Promise<UninstallReport> {
    const {flags} = await this.parse(CertsUninstall)
    const quiet = this.jsonEnabled()
    const report = await runUninstall({
      cwd: process.cwd(),
      dataDir: this.config.dataDir,
      dryRun: flags['dry-run'],
      interactive: !flags.yes && Boolean(process.stdin.isTTY && process.stderr.isTTY),
      progress: (line) => quiet || this.logToStderr(`  ${line}`),
    }).catch((error: unknown) => failWith(this, error))
    if (!quiet) {
      printWarnings(this, report.warnings)
      const messages = {
        'admin-steps-left': 'Removed what needs no admin rights; the admin steps below are left.',
        'dry-run': `Dry run: ${report.steps.length} step(s) above would run; nothing was changed.`,
        'nothing-to-remove': 'Nothing to remove: dev-certs left no trace here.',
        removed: `Removed: ${report.steps.length} step(s).`,
      }
      this.log(messages[report.status])
      printManual(this, report.manualCommands)
    }

    process.exitCode = report.exitCode
    return report
  }
}

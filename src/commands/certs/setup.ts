import {Flags} from '@oclif/core'

import {DevCertsCommand} from '../../cli/command.js'
import {setupCommand} from '../../cli/setup.js'
import {STORE_NAMES, TOOL_IDS} from '../../config/team-config.js'
import {type SetupReport} from '../../plan/setup-run.js'

export default class CertsSetup extends DevCertsCommand {
  static override description = `Acquires each authority in .devcerts.json, checks it against its pinned SHA-256 fingerprints, \
trusts it in the OS store, and writes the CA files and env files that make Python, Node, curl and git verify it.

Exit codes: 0 done or nothing to do; 1 error (nothing written); 3 admin steps left (printed).`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %> --no-system --shell-profile',
    '<%= config.bin %> <%= command.id %> --browsers --java',
    '<%= config.bin %> <%= command.id %> --store rhel --dry-run',
  ]
  static override flags = {
    browsers: Flags.boolean({
      description: 'also trust the CA in Firefox and Chromium NSS databases (certutil)',
    }),
    config: Flags.string({description: 'path to the team config (default: .devcerts.json searched upward)'}),
    configure: Flags.string({
      delimiter: ',',
      description: "also point these tools' own config at the CA files (uninstall puts back what was there)",
      multiple: true,
      options: [...TOOL_IDS],
    }),
    direnv: Flags.boolean({description: "add a line to the project's .envrc that sources env.sh (direnv)"}),
    'dry-run': Flags.boolean({description: 'print the exact plan (files, commands) and change nothing'}),
    java: Flags.boolean({description: "also trust the CA in the JDK's cacerts (keytool)"}),
    'shell-profile': Flags.boolean({
      description:
        'add one marked line that sources our snippet to the profile of $SHELL (bash, zsh, fish, pwsh)',
    }),
    store: Flags.option({
      description: 'the OS trust store to use instead of the detected one (default: from /etc/os-release)',
      options: STORE_NAMES,
    })(),
    system: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'install into the OS trust store (--no-system skips it)',
    }),
    'system-wide': Flags.boolean({
      description:
        'macOS: trust for every user (System keychain, admin domain, sudo) instead of the login keychain',
    }),
    yes: Flags.boolean({char: 'y', description: 'do not ask; run admin steps through sudo when possible'}),
  }
  static override summary = 'Trust the team CA on this machine, with verification on.'

  async run(): Promise<SetupReport> {
    const {flags} = await this.parse(CertsSetup)
    return setupCommand(flags, this, this.config.dataDir)
  }
}

import {Flags} from '@oclif/core'
import {existsSync} from 'node:fs'

import {DevCertsCommand} from '../../cli/command.js'
import {failWith} from '../../cli/present.js'
import {CLIENT_VARIABLES, wantedVariables} from '../../env/clients.js'
import {envLines, type Shell, SHELLS} from '../../env/render.js'
import {DevCertsError} from '../../system/errors.js'
import {certsHome} from '../../system/paths.js'

export interface EnvReport {
  shell: Shell
  variables: Array<{clients: string; file: string; mode: string; name: string; note: string; value: string}>
}

export default class CertsEnv extends DevCertsCommand {
  static override description = `Prints the variables that point each client at the team CA (see \
the client table in the README), as lines for your shell. Variables that replace a client's roots get \
the combined bundle; those that extend them get the team CAs alone. Paths are absolute and quoted.

Exit codes: 0 printed; 1 not set up yet (run \`dev certs setup\`).`
  static override enableJsonFlag = true
  static override examples = [
    'eval "$(<%= config.bin %> <%= command.id %>)"',
    '<%= config.bin %> <%= command.id %> --shell fish | source',
    '<%= config.bin %> <%= command.id %> --shell pwsh | Out-String | Invoke-Expression',
    '<%= config.bin %> <%= command.id %> --shell dotenv >> .env.local',
  ]
  static override flags = {
    shell: Flags.string({default: 'sh', description: 'syntax of the lines', options: [...SHELLS]}),
  }
  static override summary = 'Print the CA variables for eval in your shell.'

  async run(): Promise<EnvReport> {
    const {flags} = await this.parse(CertsEnv)
    const shell = flags.shell as Shell
    const paths = certsHome(this.config.dataDir)
    for (const path of [paths.bundle, paths.teamCa]) {
      if (!existsSync(path)) {
        failWith(
          this,
          new DevCertsError('NOT_SET_UP', `${path} does not exist, so no variable can point at it yet.`, {
            fix: 'Run `dev certs setup` (or `dev certs setup --no-system`) first.',
          }),
        )
      }
    }

    const variables = wantedVariables(paths)
    let lines: string[]
    try {
      lines = envLines(shell, variables)
    } catch (error) {
      failWith(this, error)
    }

    if (!this.jsonEnabled()) for (const line of lines) this.log(line)
    return {
      shell,
      variables: CLIENT_VARIABLES.map((row, i) => ({
        clients: row.clients,
        file: row.file,
        mode: row.mode,
        name: row.variable,
        note: row.note,
        value: variables[i][1],
      })),
    }
  }
}

import {Args} from '@oclif/core'

import {DevCertsCommand} from '../../cli/command.js'
import {failWith} from '../../cli/present.js'
import {renderInspection} from '../../sources/inspect-text.js'
import {type Inspection, inspectSource} from '../../sources/inspect.js'

export default class CertsInspect extends DevCertsCommand {
  static override args = {
    source: Args.string({
      description: 'file:PATH (or just PATH), env:NAME, https://URL, http://URL or tls://HOST[:PORT]',
      required: true,
    }),
  }
  static override description = `Reads or fetches SOURCE with no pin and shows the chain: for each certificate its subject, \
issuer, validity, CA flag, key and SHA-256 fingerprint, and which one would be the trust anchor. Ends with a \
.devcerts.json authority entry that pins it. Installs nothing.

Exit codes: 0 an anchor was found; 1 no anchor (the reason is shown) or the source could not be read.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> <%= command.id %> certs/team-root.cer',
    '<%= config.bin %> <%= command.id %> tls://gateway.example.test:443',
    '<%= config.bin %> <%= command.id %> https://pki.example.test/root.p7b --json',
  ]
  static override summary = 'Show the certificates a source gives and the pin to put in .devcerts.json.'

  async run(): Promise<Inspection> {
    const {args} = await this.parse(CertsInspect)
    const inspection = await inspectSource(args.source, process.cwd()).catch((error: unknown) =>
      failWith(this, error),
    )
    if (!this.jsonEnabled()) this.log(renderInspection(inspection))
    process.exitCode = inspection.problem ? 1 : 0
    return inspection
  }
}

import {type TeamConfig} from '../../config/team-config.js'
import {type Check} from '../check.js'
import {type Finding, ok} from '../finding.js'
import {hostOf} from '../handshake.js'
import {condaSwitches, gitSwitches, npmSwitches, pipSwitches} from '../overrides-config.js'
import {envSwitches, fileSwitches} from '../overrides-env.js'
import {scanTrackedFiles} from '../overrides-scan.js'

/**
 * Anything that switches TLS verification off: variables in this shell, the .env and the profile; npm, git,
 * pip and conda settings (each a failure); and code or scripts in the project that do it (each a warning).
 */
export const overridesCheck: Check = {
  id: 'overrides',
  async run(context) {
    const config = await context.config().catch(() => undefined)
    const dir = config?.dir ?? context.options.cwd
    const hosts = teamHosts(config)
    const [dotenv, profile] = await Promise.all([context.dotenv(), context.profile()])
    const groups = await Promise.all([
      envSwitches(context.options.env, hosts),
      dotenv.text === undefined ? [] : fileSwitches(dotenv.text, dotenv.path, hosts),
      profile.text === undefined ? [] : fileSwitches(profile.text, profile.path, hosts),
      npmSwitches(context, dir),
      gitSwitches(context, dir),
      pipSwitches(context, hosts),
      condaSwitches(context),
      scanTrackedFiles(dir, context.options.env),
    ])
    const findings: Finding[] = groups.flat()
    if (!findings.some((f) => f.status !== 'ok')) {
      findings.unshift(
        ok(
          'off:none',
          'nothing switches verification off (env, .env, profile, npm, git, pip, conda, tracked files)',
        ),
      )
    }

    return findings
  },
  title: 'Verification switched off',
}

function teamHosts(config: TeamConfig | undefined): Set<string> {
  const hosts = new Set<string>()
  for (const authority of config?.authorities ?? []) {
    for (const url of authority.hosts) hosts.add(hostOf(url).toLowerCase())
    for (const source of authority.sources) {
      if (source.kind === 'tls') hosts.add(source.host.toLowerCase())
      if (source.kind === 'url') hosts.add(source.url.hostname.toLowerCase())
    }
  }

  return hosts
}

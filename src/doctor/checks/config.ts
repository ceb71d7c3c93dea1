import {isNetworkSource} from '../../config/team-config.js'
import {DevCertsError} from '../../system/errors.js'
import {type Check} from '../check.js'
import {type Finding, ok, problem, skipped} from '../finding.js'

/** The team config is found and valid, and each source answers (network sources only when online). */
export const configCheck: Check = {
  id: 'config',
  async run(context) {
    let config
    try {
      config = await context.config()
    } catch (error) {
      if (!(error instanceof DevCertsError)) throw error
      return [
        problem('fail', 'config', error.message, error.fix ?? 'Fix the config, then run `dev certs doctor`.'),
      ]
    }

    const hosts = config.authorities.flatMap((a) => a.hosts)
    const findings: Finding[] = [
      ok(
        'config',
        `${config.path} is valid: ${count(config.authorities.length, 'authority', 'authorities')}, ` +
          `${hosts.length} host(s) to check`,
        config.authorities.map(
          (a) =>
            `${a.name}: ${a.fingerprints.length} pin(s), sources ${a.sources.map((s) => s.text).join(', ')}`,
        ),
      ),
    ]
    const outcomes = await context.sources()
    const acquired = new Set(outcomes.filter((o) => o.result).map((o) => o.authority))
    for (const outcome of outcomes) {
      const id = `source:${outcome.authority}:${outcome.source.text}`
      const label = `${outcome.authority}: source ${outcome.source.text}`
      if (outcome.skipped) findings.push(skipped(id, `${label} not tried (--offline)`))
      else if (outcome.result || !outcome.error?.code.startsWith('INTAKE_SOURCE')) {
        findings.push(ok(id, `${label} answers`, [outcome.result?.origin ?? outcome.source.text]))
      } else {
        const fix =
          outcome.error.fix ??
          (isNetworkSource(outcome.source) ? 'Check the network (VPN).' : 'Check the path.')
        // A fallback source that is down matters less while another source of the same authority works.
        const status = acquired.has(outcome.authority) ? 'warn' : 'fail'
        findings.push(problem(status, id, `${label} does not answer: ${outcome.error.message}`, fix))
      }
    }

    return findings
  },
  title: 'Config',
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

import {type Certificate} from '../../certs/certificate.js'
import {showFingerprint} from '../../certs/fingerprint.js'
import {daysLeft, EXPIRY_WARNING_DAYS} from '../../certs/validate.js'
import {type AuthorityConfig} from '../../config/team-config.js'
import {type Check} from '../check.js'
import {type DoctorContext, type SourceOutcome, type Team} from '../context.js'
import {type Finding, ok, problem, SETUP_FIX} from '../finding.js'
import {recordedCas} from '../public-roots.js'

/** Each authority's anchor still matches a pin, is not about to expire, and passes strict verification. */
export const authoritiesCheck: Check = {
  id: 'authorities',
  async run(context) {
    const config = await context.config()
    const [outcomes, team, state] = await Promise.all([context.sources(), context.team(), context.state()])
    // Projects sharing this home share team-ca.pem: another project's anchor is not this one's stale pin.
    const others = new Set(recordedCas(state, {except: config.path}))
    const findings: Finding[] = []
    for (const authority of config.authorities) {
      findings.push(...pinFindings(authority, outcomes, team, others))
      for (const {cert} of team.expected.filter((t) => t.authority === authority.name)) {
        findings.push(...certificateFindings(authority.name, cert))
      }

      if (!context.options.offline) findings.push(...(await leafFindings(context, authority)))
    }

    return findings
  },
  title: 'Authorities',
}

function pinFindings(
  authority: AuthorityConfig,
  outcomes: SourceOutcome[],
  team: Team,
  others: Set<string>,
): Finding[] {
  const id = `pin:${authority.name}`
  const mine = outcomes.filter((o) => o.authority === authority.name)
  const findings: Finding[] = []
  const acquired = mine.find((o) => o.result)?.result
  const refused = mine.find((o) => o.error && !o.error.code.startsWith('INTAKE_SOURCE'))
  const pins = new Set<string>(authority.fingerprints)
  if (acquired) {
    const prints = acquired.anchors.map((cert) => showFingerprint(cert.fingerprint))
    findings.push(
      ok(
        id,
        authority.fingerprints.length > 0
          ? `${authority.name}: ${acquired.origin} gives the pinned anchor`
          : `${authority.name}: ${acquired.origin} is a local source without a pin`,
        prints,
      ),
    )
  } else if (refused?.error) {
    const changed = refused.error.code === 'INTAKE_PIN_MISMATCH'
    findings.push(
      problem(
        'fail',
        id,
        changed
          ? `${authority.name}: ${refused.source.text} now presents another certificate (pin mismatch)`
          : `${authority.name}: ${refused.source.text} gives no certificate that can be trusted`,
        refused.error.fix ?? 'Get a current CA certificate from the team.',
        {evidence: refused.error.message.split('\n')},
      ),
    )
  } else {
    const installed = team.expected.filter((t) => t.authority === authority.name && t.cert.selfSigned)
    findings.push(
      installed.length > 0
        ? ok(id, `${authority.name}: the installed anchor matches a pin (sources not tried)`, [
            ...installed.map(({cert}) => showFingerprint(cert.fingerprint)),
          ])
        : problem(
            'fail',
            id,
            `${authority.name}: no source answered and no pinned anchor is installed`,
            SETUP_FIX,
            {
              repair: {kind: 'setup'},
            },
          ),
    )
  }

  // Pins changed since setup: what is installed is no longer what the team vouches for.
  for (const {authority: owner, cert} of team.installed) {
    if (owner !== authority.name || !cert.selfSigned || pins.size === 0 || pins.has(cert.fingerprint))
      continue
    if (others.has(cert.fingerprint)) continue
    findings.push(
      problem(
        'fail',
        `unpinned:${authority.name}:${cert.fingerprint}`,
        `${authority.name}: the installed anchor "${cert.subject}" no longer matches a pin`,
        SETUP_FIX,
        {evidence: [showFingerprint(cert.fingerprint)], repair: {kind: 'setup'}},
      ),
    )
  }

  return findings
}

function certificateFindings(authority: string, cert: Certificate): Finding[] {
  const id = `cert:${authority}:${cert.fingerprint}`
  const role = cert.selfSigned ? 'anchor' : 'intermediate'
  const name = `${authority}: ${role} "${cert.subject}"`
  const evidence = [showFingerprint(cert.fingerprint), `valid until ${cert.notAfter.toISOString()}`]
  const left = daysLeft(cert)
  const findings: Finding[] = []
  const rotate =
    'Ask the team for the next CA, add its pin beside the current one in .devcerts.json, ' +
    'then run `dev certs setup`.'
  if (cert.notAfter < new Date()) {
    findings.push(problem('fail', id, `${name} expired on ${day(cert)}`, rotate, {evidence}))
  } else if (left <= EXPIRY_WARNING_DAYS) {
    findings.push(problem('warn', id, `${name} expires in ${left} days, on ${day(cert)}`, rotate, {evidence}))
  } else {
    findings.push(ok(id, `${name} expires in ${left} days`, evidence))
  }

  if (cert.isCa && !cert.keyUsage?.keyCertSign) {
    findings.push(
      problem(
        'warn',
        `strict:${authority}:${cert.fingerprint}`,
        `${name} has ${cert.keyUsage ? 'a keyUsage without keyCertSign' : 'no keyUsage extension'}: ` +
          'Python 3.13 strict verification rejects it',
        'Reissue the CA with "keyUsage: critical, keyCertSign, cRLSign", then update the pin and run ' +
          '`dev certs setup`.',
        {evidence},
      ),
    )
  }

  return findings
}

/** Python 3.13 and urllib3 ≥ 2.4 verify strictly: a leaf signed by a CA must carry an Authority Key Id. */
async function leafFindings(context: DoctorContext, authority: AuthorityConfig): Promise<Finding[]> {
  const findings: Finding[] = []
  for (const url of authority.hosts) {
    const [leaf] = (await context.handshake(url)).chain
    if (!leaf || leaf.selfSigned || leaf.hasAuthorityKeyId) continue
    findings.push(
      problem(
        'warn',
        `aki:${url.href}`,
        `${url.host}: the gateway's certificate "${leaf.subject}" has no Authority Key Identifier: ` +
          'Python 3.13 strict verification rejects it ("Missing Authority Key Identifier")',
        'Reissue the gateway certificate with an authorityKeyIdentifier extension (a server-side fix).',
        {evidence: [showFingerprint(leaf.fingerprint), `issuer "${leaf.issuer}"`]},
      ),
    )
  }

  return findings
}

function day(cert: Certificate): string {
  return cert.notAfter.toISOString().slice(0, 10)
}

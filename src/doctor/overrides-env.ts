import {type Assignment, assignmentsIn} from './assignments.js'
import {type Finding, problem} from './finding.js'

/** A variable that switches TLS verification off (or weakens it) for some client, and how to tell. */
interface Switch {
  effect: string
  name: string
  off(value: string, teamHosts: ReadonlySet<string>): boolean
}

const FALSY = /^(false|no|off|0)$/i

export const SWITCHES: readonly Switch[] = [
  {
    effect: 'Node accepts any certificate',
    name: 'NODE_TLS_REJECT_UNAUTHORIZED',
    off: (v) => v.trim() === '0',
  },
  {
    effect: 'Python urllib and http.client accept any certificate',
    name: 'PYTHONHTTPSVERIFY',
    off: (v) => v.trim() === '0',
  },
  // git only looks at whether the variable exists: even GIT_SSL_NO_VERIFY=false switches verification off.
  {effect: 'git accepts any certificate', name: 'GIT_SSL_NO_VERIFY', off: () => true},
  {
    effect: 'scripts that honour it run curl --insecure',
    name: 'CURL_INSECURE',
    off: (v) => v !== '' && !FALSY.test(v),
  },
  {
    effect: 'requests before 2.28 switches verification off for an empty CURL_CA_BUNDLE',
    name: 'CURL_CA_BUNDLE',
    off: (v) => v.trim() === '',
  },
  {effect: 'npm accepts any certificate', name: 'npm_config_strict_ssl', off: (v) => FALSY.test(v.trim())},
  {effect: 'npm accepts any certificate', name: 'NPM_CONFIG_STRICT_SSL', off: (v) => FALSY.test(v.trim())},
  {effect: 'conda accepts any certificate', name: 'CONDA_SSL_VERIFY', off: (v) => FALSY.test(v.trim())},
  {
    effect: 'pip skips verification for a team host',
    name: 'PIP_TRUSTED_HOST',
    off: (v, hosts) => v.split(/\s+/).some((entry) => hosts.has(entry.replace(/:\d+$/, '').toLowerCase())),
  },
]

const NAMES = new Set(SWITCHES.map((s) => s.name))

/** Verification switches set in this process's env. */
export function envSwitches(env: NodeJS.ProcessEnv, teamHosts: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = []
  for (const sw of SWITCHES) {
    const value = env[sw.name]
    if (value === undefined || !sw.off(value, teamHosts)) continue
    findings.push(
      problem(
        'fail',
        `off:this shell:${sw.name}`,
        `${sw.name}=${value} is set in this shell: ${sw.effect}`,
        `unset ${sw.name}, and remove it from wherever your shell sets it ` +
          '(profile, CI settings, IDE run config)',
        {evidence: [`${sw.name}=${value}`]},
      ),
    )
  }

  return findings
}

/** Verification switches in a dotenv file or a shell profile, each with its file:line. */
export function fileSwitches(text: string, file: string, teamHosts: ReadonlySet<string>): Finding[] {
  return assignmentsIn(text, file, NAMES)
    .map((a) => [a, SWITCHES.find((s) => s.name === a.name)!] as const)
    .filter(([a, sw]) => sw.off(a.value, teamHosts))
    .map(([a, sw]) => lineFinding(a, sw.effect))
}

function lineFinding(a: Assignment, effect: string): Finding {
  return problem(
    'fail',
    `off:${a.file}:${a.line}`,
    `${a.name}=${a.value} in ${a.file}:${a.line}: ${effect}`,
    `Delete line ${a.line} of ${a.file} (${a.name}=${a.value}); ` +
      '`dev certs setup` makes clients trust the team CA with verification on',
    {evidence: [`${a.file}:${a.line}`]},
  )
}

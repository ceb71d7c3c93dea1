import {readFile, stat} from 'node:fs/promises'
import {basename, extname, join} from 'node:path'

import {exec} from '../system/exec.js'
import {type Finding, problem, skipped} from './finding.js'

/** A pattern that switches verification off in code or scripts, with the fix in the client's own terms. */
interface Pattern {
  fix: string
  /** Only files this returns true for are searched (scripts, for command-line flags). */
  in?: (file: string) => boolean
  regex: RegExp
  what: string
}

const SCRIPT_EXT = new Set(['.sh', '.bash', '.zsh', '.ps1', '.yml', '.yaml', '.mk', '.json', '.toml', '.cfg'])
const SCRIPT_NAMES = new Set(['Makefile', 'Dockerfile', 'Justfile', 'justfile', 'Procfile', 'Taskfile'])
const isScript = (file: string) =>
  SCRIPT_EXT.has(extname(file)) || SCRIPT_NAMES.has(basename(file)) || basename(file).startsWith('Dockerfile')

const PATTERNS: readonly Pattern[] = [
  {
    fix: 'Remove verify=False: requests and httpx verify the team CA through the dev-certs bundle',
    regex: /\bverify\s*=\s*False\b/,
    what: 'verify=False',
  },
  {
    fix: 'Remove rejectUnauthorized: false: Node trusts the team CA through NODE_EXTRA_CA_CERTS',
    regex: /\brejectUnauthorized\s*:\s*false\b/,
    what: 'rejectUnauthorized: false',
  },
  {
    fix: 'Remove it: Node trusts the team CA through NODE_EXTRA_CA_CERTS',
    regex: /\bNODE_TLS_REJECT_UNAUTHORIZED\s*[=:]\s*['"]?0\b/,
    what: 'NODE_TLS_REJECT_UNAUTHORIZED=0',
  },
  {
    fix: 'Remove -k/--insecure: curl verifies the team CA through CURL_CA_BUNDLE',
    in: isScript,
    regex: /\bcurl\b.*\s(?:--insecure\b|-[A-Za-z]*k[A-Za-z]*(?=\s|$))/,
    what: 'curl -k/--insecure',
  },
  {
    fix: 'Remove --no-check-certificate: wget verifies with the OS store that dev certs setup fills',
    in: isScript,
    regex: /\bwget\b.*\s--no-check-certificate\b/,
    what: 'wget --no-check-certificate',
  },
]

const BINARY_EXT = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.ico',
  '.pdf',
  '.zip',
  '.gz',
  '.tgz',
  '.jar',
  '.woff',
  '.woff2',
  '.so',
  '.exe',
  '.der',
  '.p12',
  '.pfx',
])
const MAX_FILE_BYTES = 1024 * 1024
const MAX_FILES = 5000
const MAX_HITS = 50

/** Searches the project's git-tracked files for code and scripts that switch verification off. Warnings. */
export async function scanTrackedFiles(dir: string, env: NodeJS.ProcessEnv): Promise<Finding[]> {
  const listed = await exec(['git', '-C', dir, 'ls-files', '-z'], {env, extendEnv: false, timeoutMs: 5_000})
  if (listed.missing) return [skipped('scan', 'tracked files not searched: git is not installed')]
  if (listed.failed) return [skipped('scan', `tracked files not searched: ${dir} is not a git work tree`)]
  const files = listed.stdout
    .split('\0')
    .filter((file) => file && !BINARY_EXT.has(extname(file).toLowerCase()))
  const hits: Finding[] = []
  for (let i = 0; i < Math.min(files.length, MAX_FILES); i += 32) {
    const batch = await Promise.all(files.slice(i, i + 32).map((file) => scanFile(dir, file)))
    hits.push(...batch.flat())
  }

  if (hits.length === 0) return []
  const shown = hits.slice(0, MAX_HITS)
  if (hits.length > MAX_HITS) {
    shown.push(
      problem('warn', 'scan:more', `and ${hits.length - MAX_HITS} more places like these`, 'See above.'),
    )
  }

  return shown
}

async function scanFile(dir: string, file: string): Promise<Finding[]> {
  const path = join(dir, file)
  const info = await stat(path).catch(() => undefined)
  if (!info?.isFile() || info.size > MAX_FILE_BYTES) return []
  const text = await readFile(path, 'utf8').catch(() => '')
  if (text.includes('\0')) return []
  const found: Finding[] = []
  for (const [i, line] of text.split('\n').entries()) {
    for (const pattern of PATTERNS) {
      if (pattern.in && !pattern.in(file)) continue
      if (!pattern.regex.test(line)) continue
      found.push(
        problem(
          'warn',
          `scan:${file}:${i + 1}`,
          `${file}:${i + 1}: ${pattern.what} switches TLS verification off`,
          pattern.fix,
          {
            evidence: [line.trim().slice(0, 160)],
          },
        ),
      )
    }
  }

  return found
}

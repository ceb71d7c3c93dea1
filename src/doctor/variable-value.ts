import {isAbsolute, resolve} from 'node:path'

import {showFingerprint} from '../certs/fingerprint.js'
import {type ClientVariable} from '../env/clients.js'
import {shQuote} from '../env/quote.js'
import {type DoctorContext} from './context.js'
import {type Finding, problem, type Repair, SETUP_FIX} from './finding.js'
import {publicRoots} from './public-roots.js'

/** Where a value was found: this process's env, or a line of a file. */
export interface Origin {
  file?: string
  label: string
  line?: number
  /** The line is one dev-certs wrote (our block, env.sh): setup rewrites it. */
  ours: boolean
}

/**
 * Judges one value of a client variable: it names an existing, loadable file that holds every team CA and,
 * for a variable that replaces the client's roots, the public roots too. Returns a failure, or undefined.
 */
export async function judgeValue(
  context: DoctorContext,
  row: ClientVariable,
  value: string,
  origin: Origin,
): Promise<Finding | undefined> {
  const {variable} = row
  const wanted = row.file === 'bundle' ? context.paths.bundle : context.paths.teamCa
  const path = isAbsolute(value) ? value : resolve(context.options.cwd, value)
  const id = `var:${origin.label}:${variable}`
  const at = `${variable} in ${origin.label}`
  const fix = fixFor(origin, variable, value, wanted)
  const repair: Repair | undefined = origin.ours ? {kind: 'setup'} : undefined
  const fail = (summary: string, evidence: string[] = []) =>
    problem('fail', id, summary, fix, {evidence: [`${variable}=${value}`, ...evidence], repair})
  if (!value) return fail(`${at} is set but empty`)
  const file = await context.caFile(path)
  if (!file.exists) {
    const effect =
      row.mode === 'extends'
        ? 'Node prints a warning on every run and trusts nothing extra'
        : 'the client cannot load any CA and every TLS request fails'
    return fail(`${at} points to ${path}, which does not exist: ${effect}`)
  }

  if (!('fingerprints' in file)) return fail(`${at} points to ${path}, which cannot be used: ${file.error}`)
  const team = await context.team()
  const missing = team.expected.filter(({cert}) => !file.fingerprints.has(cert.fingerprint))
  if (row.mode === 'replaces') {
    const roots = await publicRoots(context)
    if (![...file.fingerprints].some((fp) => roots.has(fp))) {
      return fail(
        `${at} points to ${path}, which holds no public roots: ${variable} replaces the default roots, ` +
          'so every public site (pypi.org, github.com) fails',
        [`${file.fingerprints.size} certificate(s), none of them a public root`],
      )
    }
  }

  if (missing.length > 0) {
    return fail(
      `${at} points to ${path}, which lacks ${missing.length} team certificate(s)`,
      missing.map(({cert}) => `"${cert.subject}" ${showFingerprint(cert.fingerprint)}`),
    )
  }

  return undefined
}

function fixFor(origin: Origin, variable: string, value: string, wanted: string): string {
  if (origin.ours) return SETUP_FIX
  if (origin.file) {
    return (
      `Delete line ${origin.line} of ${origin.file} (${variable}=${value}), or point it at ${wanted}; ` +
      'the dev-certs block already sets it'
    )
  }

  return `export ${variable}=${shQuote(wanted)} (or unset ${variable}), then find where your shell sets it`
}

import {userInfo} from 'node:os'

import {type Fingerprint, showFingerprint} from '../../certs/fingerprint.js'
import {type CaFile} from '../ca-file.js'
import {type Check} from '../check.js'
import {type DoctorContext} from '../context.js'
import {type Finding, ok, problem, REFRESH_FIX, SETUP_FIX} from '../finding.js'
import {ourCas, publicRoots, setHash} from '../public-roots.js'

/** The files setup writes exist, parse, hold every team CA, are current, and belong to the user. */
export const filesCheck: Check = {
  id: 'files',
  async run(context) {
    const {paths} = context
    const [teamCa, bundle] = await Promise.all([context.caFile(paths.teamCa), context.caFile(paths.bundle)])
    const findings = [
      ...(await judge(context, teamCa, 'CA-only file')),
      ...(await judge(context, bundle, 'bundle')),
    ]
    if (bundle.exists && 'fingerprints' in bundle)
      findings.push(await freshness(context, bundle.fingerprints))
    return findings
  },
  title: 'Files',
}

async function judge(context: DoctorContext, file: CaFile, label: string): Promise<Finding[]> {
  const id = `file:${file.path}`
  if (!file.exists) {
    return [
      problem('fail', id, `the ${label} ${file.path} does not exist`, SETUP_FIX, {repair: {kind: 'setup'}}),
    ]
  }

  if (!('fingerprints' in file)) {
    return [
      problem('fail', id, `the ${label} ${file.path} is unusable: ${file.error}`, SETUP_FIX, {
        repair: {kind: 'setup'},
      }),
    ]
  }

  const team = await context.team()
  const missing = team.expected.filter(({cert}) => !file.fingerprints.has(cert.fingerprint))
  const findings: Finding[] = []
  if (missing.length > 0) {
    findings.push(
      problem(
        'fail',
        id,
        `the ${label} ${file.path} lacks ${missing.length} team certificate(s)`,
        SETUP_FIX,
        {
          evidence: missing.map(
            ({authority, cert}) => `${authority}: "${cert.subject}" ${showFingerprint(cert.fingerprint)}`,
          ),
          repair: {kind: 'setup'},
        },
      ),
    )
  } else {
    findings.push(ok(id, `the ${label} ${file.path} holds all ${team.expected.length} team certificate(s)`))
  }

  const uid = process.getuid?.()
  if (file.mode !== 0o644) {
    const mode = file.mode.toString(8).padStart(4, '0')
    findings.push(
      problem(
        'warn',
        `mode:${file.path}`,
        `the ${label} has mode ${mode}, not 0644`,
        `chmod 0644 ${file.path}`,
        {
          repair: uid === file.uid ? {kind: 'chmod', mode: 0o644, path: file.path} : undefined,
        },
      ),
    )
  }

  if (uid !== undefined && file.uid !== uid) {
    // A root-owned leftover from a sudo run: the next setup as this user cannot update it.
    findings.push(
      problem(
        'warn',
        `owner:${file.path}`,
        `the ${label} belongs to uid ${file.uid}, not to you (uid ${uid})`,
        `sudo chown ${userInfo().username} ${file.path}`,
      ),
    )
  }

  return findings
}

/**
 * The bundle's public roots are the OS's current ones; a ca-certificates update makes it stale. Every CA
 * dev-certs put there (all projects sharing this home) is left out on both sides: none is a public root.
 */
async function freshness(context: DoctorContext, inBundle: Set<Fingerprint>): Promise<Finding> {
  const [roots, ours, os] = await Promise.all([context.osRoots(), ourCas(context), publicRoots(context)])
  const bundled = [...inBundle].filter((fp) => !ours.has(fp))
  const added = [...os].filter((fp) => !inBundle.has(fp)).length
  const removed = bundled.filter((fp) => !os.has(fp)).length
  const id = `fresh:${context.paths.bundle}`
  const evidence = [
    `${roots.origin}: ${os.size} roots, hash ${setHash(os)}`,
    `bundle: ${bundled.length} roots, hash ${setHash(bundled)}`,
  ]
  if (added === 0 && removed === 0) return ok(id, `the bundle's public roots match ${roots.origin}`, evidence)
  // Setup rebuilds the bundle too, so --fix (which runs setup) clears this as well.
  return problem(
    'warn',
    id,
    `the bundle is stale: it was built from an older copy of ${roots.origin}, ` +
      `which has ${added} root(s) more and ${removed} fewer now`,
    REFRESH_FIX,
    {evidence, repair: {kind: 'setup'}},
  )
}

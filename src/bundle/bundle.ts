import {type Certificate} from '../certs/certificate.js'
import {showFingerprint} from '../certs/fingerprint.js'
import {type Authority} from '../sources/acquire.js'
import {pemFingerprint, type RootSet, splitPem} from './os-roots.js'

/** The team certificates in trust order (anchors, then the intermediates that came with them), each once. */
export function teamCertificates(authorities: Authority[]): Array<{authority: string; cert: Certificate}> {
  const seen = new Set<string>()
  return authorities.flatMap((authority) =>
    [...authority.anchors, ...authority.intermediates]
      .filter((cert) => !seen.has(cert.fingerprint) && seen.add(cert.fingerprint))
      .map((cert) => ({authority: authority.name, cert})),
  )
}

/** The first line of the CA-only file, which the combined bundle embeds whole after the public roots. */
export const TEAM_CA_HEADER =
  '# dev-certs: team certificate authorities. Generated; `dev certs refresh` rewrites it.'

/** The CA-only file (for variables that extend the default roots, such as NODE_EXTRA_CA_CERTS). */
export function renderTeamCa(authorities: Authority[]): string {
  const lines = [`${TEAM_CA_HEADER}\n`]
  for (const {authority, cert} of teamCertificates(authorities)) {
    lines.push(`# ${authority}: ${comment(cert.subject)} ${showFingerprint(cert.fingerprint)}\n`, cert.pem)
  }

  return lines.join('')
}

/**
 * The combined bundle (for variables that replace the default roots): every public root, then the team CAs.
 * A team CA that is already among the OS roots (after an OS install) is written once, so the content does
 * not change when the OS store does.
 */
export function renderBundle(roots: RootSet, authorities: Authority[]): string {
  return renderBundleWith(roots, renderTeamCa(authorities))
}

/** The same bundle from the CA-only file setup wrote: what `refresh` rebuilds from, without the network. */
export function renderBundleWith(roots: RootSet, teamCa: string): string {
  const teamPrints = new Set<string>(splitPem(teamCa).map((block) => pemFingerprint(block)))
  const parts = [
    `# dev-certs: public roots from ${roots.origin}, then the team CAs. Generated; do not edit.\n`,
  ]
  for (const [i, block] of roots.blocks.entries()) {
    if (!teamPrints.has(roots.fingerprints[i])) parts.push(block)
  }

  parts.push(teamCa)
  return parts.join('')
}

function comment(text: string): string {
  return text.replaceAll(/[^\x20-\x7e]/g, '?')
}

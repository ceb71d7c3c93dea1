import {type InspectedCertificate, type Inspection} from './inspect.js'

const ROLE_TEXT = {
  anchor: 'ANCHOR: would be trusted',
  ignored: 'not trusted (does not lead to an anchor)',
  intermediate: 'intermediate: kept in the bundle, not trusted on its own',
  leaf: 'leaf: never trusted',
}

/** The human form of `dev certs inspect`: the chain, then the entry to paste, or why there is none. */
export function renderInspection(inspection: Inspection): string {
  const count = inspection.certificates.length
  const lines = [`${inspection.origin}: ${count} certificate${count === 1 ? '' : 's'}`, '']
  for (const [i, cert] of inspection.certificates.entries()) lines.push(...certificateLines(cert, i + 1), '')
  for (const line of inspection.trail) lines.push(`note: ${line}`)
  for (const warning of inspection.warnings) lines.push(`warning: ${warning}`)
  if (inspection.privateKey) {
    lines.push(
      `WARNING: ${inspection.origin} contains a PRIVATE KEY. A CA key in a repository is a leak: remove it ` +
        'and rotate the CA. dev-certs never copies it.',
    )
  }

  if (inspection.problem) {
    lines.push(`No anchor: ${inspection.problem.message}`)
    if (inspection.problem.fix) lines.push(`Fix: ${inspection.problem.fix}`)
    return lines.join('\n')
  }

  lines.push(
    '',
    'Paste this into the "authorities" list of .devcerts.json:',
    JSON.stringify(inspection.entry, null, 2),
    '',
    'Confirm the fingerprint with the CA owner over another channel before you commit it.',
  )
  if (inspection.source.startsWith('file:')) {
    lines.push('A file: path is relative to the directory of .devcerts.json.')
  }

  return lines.join('\n')
}

function certificateLines(cert: InspectedCertificate, n: number): string[] {
  const day = (iso: string) => iso.slice(0, 10)
  const kind = cert.ca
    ? `CA${cert.selfSigned ? ', self-signed' : ''}`
    : `not a CA${cert.selfSigned ? ', self-signed' : ''}`
  return [
    `${n}. ${cert.subject}`,
    `   role     ${ROLE_TEXT[cert.role]}`,
    `   issuer   ${cert.issuer}`,
    `   valid    ${day(cert.notBefore)} to ${day(cert.notAfter)}`,
    `   type     ${kind}; key ${cert.key}`,
    `   SHA-256  ${cert.fingerprint}`,
  ]
}

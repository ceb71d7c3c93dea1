import {type DoctorReport, type FindingJson} from './report.js'

const CODES = {bold: [1, 22], dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39]} as const
type Paint = (style: keyof typeof CODES, text: string) => string

/** The human report: a line per finding grouped by check, evidence under what is wrong, fixes at the end. */
export function renderReport(report: DoctorReport, options: {colour: boolean}): string {
  const paint: Paint = (style, text) =>
    options.colour ? `\u001B[${CODES[style][0]}m${text}\u001B[${CODES[style][1]}m` : text
  const lines: string[] = [paint('bold', `dev certs doctor${report.config ? `: ${report.config}` : ''}`)]
  for (const check of report.checks) {
    lines.push('', paint('bold', check.title))
    for (const finding of check.findings) {
      lines.push(`  ${mark(finding, paint)} ${finding.summary}`)
      if (finding.status === 'ok') continue
      for (const item of finding.evidence.slice(0, 4)) lines.push(paint('dim', `      ${item}`))
    }
  }

  const fixes = groupFixes(report)
  if (fixes.length > 0) {
    lines.push('', paint('bold', 'Fixes'))
    for (const [i, {count, fix, status}] of fixes.entries()) {
      const clears = count > 1 ? paint('dim', `  (${count} findings)`) : ''
      lines.push(`  ${i + 1}. ${paint(status === 'fail' ? 'red' : 'yellow', fix)}${clears}`)
    }
  }

  if (report.fixed) {
    lines.push('', paint('bold', 'Fixed before this check'))
    for (const line of report.fixed.applied) lines.push(`  ${line}`)
    for (const argv of report.fixed.manualCommands) lines.push(`  left to run: ${argv.join(' ')}`)
  }

  const {fail, ok, skipped, warn} = report.counts
  const seconds = (report.durationMs / 1000).toFixed(2)
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const tally = `${ok} ok, ${plural(warn, 'warning')}, ${plural(fail, 'failure')}, ${skipped} skipped`
  const verdict =
    report.status === 'ok'
      ? paint('green', 'All ok')
      : report.status === 'warn'
        ? paint('yellow', 'Ok, with warnings')
        : paint('red', 'TLS to the team hosts is not fully set up')
  lines.push('', `${verdict}: ${tally} (${seconds} s${report.offline ? ', offline' : ''})`)
  return lines.join('\n')
}

function mark(finding: FindingJson, paint: Paint): string {
  if (finding.skipped) return paint('dim', '-')
  if (finding.status === 'ok') return paint('green', '✓')
  return finding.status === 'warn' ? paint('yellow', '!') : paint('red', '✗')
}

/** The same fix (most often `dev certs setup`) is listed once, with how many findings it clears. */
function groupFixes(report: DoctorReport): Array<{count: number; fix: string; status: 'fail' | 'warn'}> {
  const byFix = new Map<string, {count: number; fix: string; status: 'fail' | 'warn'}>()
  for (const {fix, status} of report.fixes) {
    const entry = byFix.get(fix) ?? {count: 0, fix, status}
    entry.count++
    if (status === 'fail') entry.status = 'fail'
    byFix.set(fix, entry)
  }

  return [...byFix.values()].sort((a, b) => (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1))
}

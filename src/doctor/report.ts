import {type CheckId, type CheckResult, type Finding, type Status} from './finding.js'

/** The stable shape of `dev certs doctor --json` (docs/doctor.md). `schema` changes on a breaking change. */
export interface DoctorReport {
  checks: Array<{
    durationMs: number
    findings: FindingJson[]
    id: CheckId
    status: Status
    title: string
  }>
  config: null | string
  /** Findings by status; `skipped` ones (not installed, --offline) are counted apart, not as ok. */
  counts: Record<Status | 'skipped', number>
  durationMs: number
  exitCode: 0 | 1
  /** Present after --fix: what ran before the re-check. */
  fixed?: {applied: string[]; manualCommands: string[][]}
  fixes: Array<{check: CheckId; fix: string; id: string; status: Exclude<Status, 'ok'>}>
  offline: boolean
  schema: 1
  status: Status
}

export interface FindingJson {
  cause: Finding['cause'] | null
  code: null | string
  evidence: string[]
  fix: null | string
  fixable: boolean
  id: string
  skipped: boolean
  status: Status
  summary: string
}

export function buildReport(
  checks: CheckResult[],
  options: {config?: string; durationMs: number; offline: boolean},
): DoctorReport {
  const all = checks.flatMap((check) => check.findings)
  const counts: DoctorReport['counts'] = {fail: 0, ok: 0, skipped: 0, warn: 0}
  for (const finding of all) counts[finding.skipped ? 'skipped' : finding.status]++
  const status: Status = counts.fail > 0 ? 'fail' : counts.warn > 0 ? 'warn' : 'ok'
  return {
    checks: checks.map((check) => ({
      durationMs: check.durationMs,
      findings: check.findings.map((finding) => findingJson(finding)),
      id: check.id,
      status: check.status,
      title: check.title,
    })),
    config: options.config ?? null,
    counts,
    durationMs: options.durationMs,
    exitCode: counts.fail > 0 ? 1 : 0,
    fixes: checks.flatMap((check) =>
      check.findings
        .filter((f): f is Finding & {status: 'fail' | 'warn'} => f.status !== 'ok' && Boolean(f.fix))
        .map((f) => ({check: check.id, fix: f.fix!, id: f.id, status: f.status})),
    ),
    offline: options.offline,
    schema: 1,
    status,
  }
}

function findingJson(finding: Finding): FindingJson {
  return {
    cause: finding.cause ?? null,
    code: finding.code ?? null,
    evidence: finding.evidence,
    fix: finding.fix ?? null,
    fixable: Boolean(finding.repair),
    id: finding.id,
    skipped: Boolean(finding.skipped),
    status: finding.status,
    summary: finding.summary,
  }
}

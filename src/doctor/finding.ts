/** What one check found about one thing: a status, a one-line summary, the evidence, and the fix. */
export type Status = 'fail' | 'ok' | 'warn'

export type CheckId = 'authorities' | 'config' | 'environment' | 'files' | 'live' | 'overrides' | 'store'

/**
 * What `--fix` may do about a failing finding: run setup (optionally wiring env.sh into the shell profile),
 * or chmod one of our own files. Anything else needs a person (a pin, a gateway, a user's own line).
 */
export type Repair =
  | {kind: 'chmod'; mode: number; path: string}
  /** `system` asks for the OS store step; else --fix touches the store only if setup already manages it. */
  | {kind: 'setup'; shellProfile?: boolean; system?: boolean}

/** Why a live handshake failed, in plain words (see cause.ts). */
export type Cause =
  | 'expired'
  | 'hostname-mismatch'
  | 'intermediate-missing'
  | 'issuer-unknown'
  | 'pin-mismatch'
  | 'unreachable'
  | 'unknown'

export interface Finding {
  /** Live checks: the cause of a failed handshake. */
  cause?: Cause
  /** Live checks: the client's own error code (UNABLE_TO_GET_ISSUER_CERT_LOCALLY, curl 60, …). */
  code?: string
  /** Paths, fingerprints, file:line, command output: what the summary is based on. */
  evidence: string[]
  /** The exact command to run, or what to change; absent when there is nothing to do. */
  fix?: string
  /** Stable within a check, e.g. "env:.env:REQUESTS_CA_BUNDLE" or "live:https://gw/:curl". */
  id: string
  repair?: Repair
  /** Nothing was checked (a client that is not installed, the network with --offline). Never a failure. */
  skipped?: boolean
  status: Status
  summary: string
}

export interface CheckResult {
  durationMs: number
  findings: Finding[]
  id: CheckId
  status: Status
  title: string
}

const RANK: Record<Status, number> = {fail: 2, ok: 0, warn: 1}

export function worst(statuses: Status[]): Status {
  return statuses.reduce<Status>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok')
}

export function ok(id: string, summary: string, evidence: string[] = []): Finding {
  return {evidence, id, status: 'ok', summary}
}

export function skipped(id: string, summary: string, evidence: string[] = []): Finding {
  return {evidence, id, skipped: true, status: 'ok', summary}
}

export function problem(
  status: 'fail' | 'warn',
  id: string,
  summary: string,
  fix: string,
  options: {evidence?: string[]; repair?: Repair} = {},
): Finding {
  return {evidence: options.evidence ?? [], fix, id, repair: options.repair, status, summary}
}

/** The one fix that clears most fails: everything setup writes is regenerated from the config. */
export const SETUP_FIX = 'dev certs setup'

/** Rebuilds the bundle from today's OS roots and the team CAs already trusted, without the network. */
export const REFRESH_FIX = 'dev certs refresh'

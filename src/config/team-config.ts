import {type Fingerprint} from '../certs/fingerprint.js'

export const CONFIG_FILE = '.devcerts.json'

export type SourceSpec =
  | {kind: 'env'; name: string; text: string}
  | {kind: 'file'; path: string; text: string}
  | {host: string; kind: 'tls'; port: number; text: string}
  | {kind: 'url'; text: string; url: URL}

export interface AuthorityConfig {
  fingerprints: Fingerprint[]
  hosts: URL[]
  name: string
  sources: SourceSpec[]
}

/** Every trust store `system.store` (and `--store`) may name. */
export const STORE_NAMES = ['alpine', 'arch', 'debian', 'macos', 'nixos', 'rhel', 'suse', 'windows'] as const

/** `system` in the config: which OS store (instead of detection), and the opt-in stores. */
export interface SystemConfig {
  browsers?: boolean
  java?: boolean
  store?: string
}

/** Tools whose own config `--configure` (or the "configure" key) points at our files. */
export const TOOL_IDS = ['npm', 'pip', 'git', 'yarn', 'conda', 'aws', 'gcloud'] as const
export type ToolId = (typeof TOOL_IDS)[number]

/** The team's `.devcerts.json`, validated, with every path made absolute. */
export interface TeamConfig {
  authorities: AuthorityConfig[]
  configure?: ToolId[]
  dir: string
  env: {file: string}
  path: string
  system?: SystemConfig
}

export function isNetworkSource(source: SourceSpec): boolean {
  return source.kind === 'tls' || source.kind === 'url'
}

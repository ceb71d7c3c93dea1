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

/** The team's `.devcerts.json`, validated, with every path made absolute. */
export interface TeamConfig {
  authorities: AuthorityConfig[]
  dir: string
  env: {file: string}
  path: string
}

export function isNetworkSource(source: SourceSpec): boolean {
  return source.kind === 'tls' || source.kind === 'url'
}

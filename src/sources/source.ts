/** What a source gave: raw bytes and a name for messages ("tls://gw:443", "/repo/certs/ca.cer"). */
export interface Fetched {
  bytes: Buffer
  /** DER certificates already split (a TLS handshake gives a chain, not a file). */
  chain?: Buffer[]
  origin: string
}

/** Knobs for network sources. Tests shorten the timeout; everything else uses the defaults below. */
export interface SourceOptions {
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read from. */
  env?: NodeJS.ProcessEnv
  maxBytes?: number
  timeoutMs?: number
}

export const NETWORK_TIMEOUT_MS = 10_000
export const MAX_BODY_BYTES = 1024 * 1024
export const MAX_REDIRECTS = 5

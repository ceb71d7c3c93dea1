/** What a source gave: raw bytes and a name for messages ("tls://gw:443", "/repo/certs/ca.cer"). */
export interface Fetched {
  bytes: Buffer
  /** DER certificates already split (a TLS handshake gives a chain, not a file). */
  chain?: Buffer[]
  origin: string
}

export const NETWORK_TIMEOUT_MS = 10_000
export const MAX_BODY_BYTES = 1024 * 1024
export const MAX_REDIRECTS = 5

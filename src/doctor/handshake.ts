import {isIP} from 'node:net'
import {connect, type DetailedPeerCertificate, type TLSSocket} from 'node:tls'

import {type Certificate, parseCertificate} from '../certs/certificate.js'
import {logger} from '../system/log.js'

const log = logger('doctor:handshake')

/** One verified handshake from inside this process, with the chain the gateway presented. */
export interface Handshake {
  /** What the gateway sent, leaf first: the evidence for the cause of a failure. */
  chain: Certificate[]
  error?: {code: string; message: string}
  ok: boolean
}

/**
 * A TLS handshake with verification on, against `ca` (the combined bundle; Node's own roots when undefined).
 * The chain is read in a listener placed before Node's own verification step, so it is known even when the
 * handshake is refused; the refusal itself is never overridden.
 */
export function handshake(url: URL, ca: string | undefined, timeoutMs: number): Promise<Handshake> {
  const host = hostOf(url)
  const port = Number(url.port || 443)
  return new Promise((resolve) => {
    let chain: Certificate[] = []
    const socket = connect({ca, host, port, servername: isIP(host) ? undefined : host, timeout: timeoutMs})
    const done = (result: Omit<Handshake, 'chain'>) => {
      socket.destroy()
      log(
        '%s: %s (%d certificate(s) presented)',
        url.href,
        result.ok ? 'verified' : result.error?.code,
        chain.length,
      )
      resolve({chain, ...result})
    }

    // Node verifies in its own 'secure' listener once the handshake completes; ours is put before it.
    socket.prependOnceListener('secure', () => {
      chain = presentedChain(socket)
    })
    socket.once('secureConnect', () => done({ok: true}))
    socket.once('timeout', () =>
      done({error: {code: 'ETIMEDOUT', message: `no TLS handshake within ${timeoutMs / 1000} s`}, ok: false}),
    )
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({error: {code: error.code ?? 'ERROR', message: error.message}, ok: false}),
    )
  })
}

function presentedChain(socket: TLSSocket): Certificate[] {
  const out: Certificate[] = []
  const seen = new Set<string>()
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true)
  for (; cert?.raw && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256)
    try {
      out.push(parseCertificate(cert.raw))
    } catch {
      break
    }
  }

  return out
}

/** The host of a URL as sockets and certificates name it: an IPv6 address without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

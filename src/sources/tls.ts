import {isIP} from 'node:net'
import {connect, type DetailedPeerCertificate} from 'node:tls'

import {IntakeError} from '../certs/intake-error.js'
import {logger} from '../system/log.js'
import {type Fetched, NETWORK_TIMEOUT_MS} from './source.js'

const log = logger('source:tls')

/**
 * Reads the chain a gateway presents in its handshake. Verification is off on purpose here, and only here:
 * we are acquiring the CA, and nothing read is trusted until its fingerprint matches a pin.
 */
export async function readTlsSource(
  host: string,
  port: number,
  timeoutMs = NETWORK_TIMEOUT_MS,
): Promise<Fetched> {
  const origin = `tls://${isIP(host) === 6 ? `[${host}]` : host}:${port}`
  log('handshake with %s (SNI %s)', origin, isIP(host) ? 'off: IP address' : host)
  const chain = await new Promise<Buffer[]>((resolve, reject) => {
    const socket = connect({
      host,
      port,
      rejectUnauthorized: false,
      servername: isIP(host) ? undefined : host,
      timeout: timeoutMs,
    })
    const fail = (message: string, fix?: string) => {
      socket.destroy()
      reject(new IntakeError('SOURCE_TLS', `${origin}: ${message}`, {fix}))
    }

    socket.once('secureConnect', () => {
      const certs = walkChain(socket.getPeerCertificate(true))
      socket.end()
      if (certs.length === 0) fail('the server presented no certificate.')
      else resolve(certs)
    })
    socket.once('timeout', () =>
      fail(`no TLS handshake within ${timeoutMs / 1000} s.`, 'Check the host, the port and the VPN.'),
    )
    socket.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        `${error.code ?? 'error'}: ${error.message}.`,
        'Check the host and port, and that you are on the network that reaches it.',
      ),
    )
  })
  log('%s presented %d certificate(s)', origin, chain.length)
  return {bytes: Buffer.concat(chain), chain, origin}
}

function walkChain(peer: DetailedPeerCertificate): Buffer[] {
  const out: Buffer[] = []
  const seen = new Set<string>()
  for (let cert: DetailedPeerCertificate | undefined = peer; cert?.raw; cert = cert.issuerCertificate) {
    if (seen.has(cert.fingerprint256)) break
    seen.add(cert.fingerprint256)
    out.push(cert.raw)
  }

  return out
}

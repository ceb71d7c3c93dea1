import {isIP} from 'node:net'
import {connect, type DetailedPeerCertificate} from 'node:tls'

import {IntakeError} from '../certs/intake-error.js'
import {logger} from '../system/log.js'
import {type Fetched, NETWORK_TIMEOUT_MS, type SourceOptions} from './source.js'

const log = logger('source:tls')

/**
 * Reads the chain a gateway presents in its handshake. Verification is off on purpose here, and only here:
 * we are acquiring the CA, and nothing read is trusted until its fingerprint matches a pin.
 */
export async function readTlsSource(
  host: string,
  port: number,
  options: SourceOptions = {},
): Promise<Fetched> {
  const timeoutMs = options.timeoutMs ?? NETWORK_TIMEOUT_MS
  const origin = `tls://${isIP(host) === 6 ? `[${host}]` : host}:${port}`
  // SNI carries names only (RFC 6066); an IP address there makes some gateways pick the wrong certificate.
  const servername = isIP(host) ? undefined : host
  log('handshake with %s (SNI %s)', origin, servername ?? 'off: IP address')
  const chain = await new Promise<Buffer[]>((resolve, reject) => {
    const socket = connect({host, port, rejectUnauthorized: false, servername})
    const timer = setTimeout(
      () => fail(`no TLS handshake within ${timeoutMs / 1000} s.`, 'Check the host, the port and the VPN.'),
      timeoutMs,
    )
    function fail(message: string, fix?: string) {
      clearTimeout(timer)
      socket.destroy()
      reject(new IntakeError('SOURCE_TLS', `${origin}: ${message}`, {fix}))
    }

    socket.once('secureConnect', () => {
      clearTimeout(timer)
      const certs = walkChain(socket.getPeerCertificate(true))
      socket.end()
      if (certs.length === 0) fail('the server presented no certificate.')
      else resolve(certs)
    })
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

/** The presented chain, leaf first, as Node links it (each certificate to its issuer among those sent). */
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

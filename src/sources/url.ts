import {request as httpRequest, type IncomingMessage} from 'node:http'
import {request as httpsRequest} from 'node:https'

import {IntakeError} from '../certs/intake-error.js'
import {logger} from '../system/log.js'
import {type Fetched, MAX_BODY_BYTES, MAX_REDIRECTS, NETWORK_TIMEOUT_MS} from './source.js'

const log = logger('source:url')

/**
 * Downloads a CA from a URL. Like the TLS source, the bytes are read without verification: they are
 * trusted only when a certificate in them matches a pin, which the config requires for URL sources.
 */
export async function readUrlSource(url: URL, timeoutMs = NETWORK_TIMEOUT_MS): Promise<Fetched> {
  let current = url
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await get(current, timeoutMs)
    const status = response.statusCode ?? 0
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume()
      const next = new URL(response.headers.location, current)
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw fail(url, `redirected to ${next.protocol} URL, which is not followed.`)
      }

      log('%s redirects to %s', current.href, next.href)
      current = next
      continue
    }

    if (status !== 200) {
      response.resume()
      throw fail(
        url,
        `the server answered HTTP ${status}.`,
        'Check the URL; it may need a login, which dev-certs cannot do.',
      )
    }

    const bytes = await readCapped(response, url)
    return {bytes, origin: url.href === current.href ? url.href : `${url.href} (via ${current.href})`}
  }

  throw fail(url, `more than ${MAX_REDIRECTS} redirects.`)
}

function get(url: URL, timeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const options = {
      headers: {accept: '*/*', 'user-agent': 'dev-certs'},
      rejectUnauthorized: false,
      timeout: timeoutMs,
    }
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, resolve)
    request.once('timeout', () => {
      request.destroy()
      reject(
        fail(url, `no answer within ${timeoutMs / 1000} s.`, 'Check the URL and the network (VPN, proxy).'),
      )
    })
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(fail(url, `${error.code ?? 'error'}: ${error.message}.`)),
    )
    request.end()
  })
}

function readCapped(response: IncomingMessage, url: URL): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    response.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        response.destroy()
        reject(fail(url, 'the response is larger than 1 MiB, which no CA certificate is.'))
        return
      }

      parts.push(chunk)
    })
    response.once('end', () => resolve(Buffer.concat(parts)))
    response.once('error', (error) => reject(fail(url, error.message)))
  })
}

function fail(url: URL, message: string, fix?: string): IntakeError {
  return new IntakeError('SOURCE_URL', `${url.href}: ${message}`, {fix})
}

import {request as httpRequest, type IncomingMessage} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {type Socket} from 'node:net'
import {connect as tlsConnect} from 'node:tls'

import {isHtml} from '../certs/decode.js'
import {IntakeError} from '../certs/intake-error.js'
import {readText} from '../certs/text-encoding.js'
import {logger} from '../system/log.js'
import {proxyAuthorization, proxyFor} from './proxy.js'
import {
  type Fetched,
  MAX_BODY_BYTES,
  MAX_REDIRECTS,
  NETWORK_TIMEOUT_MS,
  type SourceOptions,
} from './source.js'

const log = logger('source:url')
const HEADERS = {accept: '*/*', 'user-agent': 'dev-certs'}

interface Download {
  env: NodeJS.ProcessEnv
  maxBytes: number
  signal: AbortSignal
}

/**
 * Downloads a CA from a URL. Like the TLS source, the bytes are read without verification: they are trusted
 * only when a certificate in them matches a pin, which the config requires for URL sources. One deadline
 * covers the whole download, redirects included, so a server that trickles bytes cannot hold setup hostage.
 */
export async function readUrlSource(url: URL, options: SourceOptions = {}): Promise<Fetched> {
  const timeoutMs = options.timeoutMs ?? NETWORK_TIMEOUT_MS
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  const download = {
    env: options.env ?? process.env,
    maxBytes: options.maxBytes ?? MAX_BODY_BYTES,
    signal: controller.signal,
  }
  try {
    return await follow(url, download)
  } catch (error) {
    if (!controller.signal.aborted) throw error
    throw fail(
      url,
      `no complete answer within ${timeoutMs / 1000} s.`,
      'Check the URL and the network (VPN, proxy).',
    )
  } finally {
    clearTimeout(timer)
  }
}

async function follow(url: URL, download: Download): Promise<Fetched> {
  let current = url
  for (let hop = 0; ; hop++) {
    const response = await get(current, download)
    const status = response.statusCode ?? 0
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume()
      if (hop === MAX_REDIRECTS) {
        throw fail(url, `more than ${MAX_REDIRECTS} redirects (last: ${current.href}).`)
      }

      const next = redirectTarget(response.headers.location, current)
      if (next?.protocol !== 'https:' && next?.protocol !== 'http:') {
        throw fail(url, `redirected to "${response.headers.location}", which is not an http(s) URL.`)
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

    const bytes = await readCapped(response, url, download.maxBytes)
    rejectHtml(bytes, url, response)
    log('%s gave %d bytes', current.href, bytes.length)
    return {bytes, origin: url.href === current.href ? url.href : `${url.href} (via ${current.href})`}
  }
}

function get(url: URL, download: Download): Promise<IncomingMessage> {
  const proxy = proxyFor(url, download.env)
  if (proxy) log('%s through the proxy %s', url.href, proxy.host)
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(fail(url, `${error.code ?? 'error'}: ${error.message}.`))
    if (url.protocol === 'http:') {
      // Through a proxy, plain HTTP is one request with the absolute URI as its path.
      const headers = proxy ? {...HEADERS, host: url.host, ...proxyAuthorization(proxy)} : HEADERS
      const target = proxy ? {...endpoint(proxy, 80), path: url.href} : urlParts(url)
      httpRequest({...target, headers, signal: download.signal}, resolve)
        .once('error', onError)
        .end()
      return
    }

    const start = (socket?: Socket) => {
      const options = socket
        ? {createConnection: () => tlsConnect({rejectUnauthorized: false, servername: sni(url), socket})}
        : {rejectUnauthorized: false}
      httpsRequest(url, {...options, headers: HEADERS, signal: download.signal}, resolve)
        .once('error', onError)
        .end()
    }

    if (proxy) tunnel(proxy, url, download.signal).then(start, reject)
    else start()
  })
}

/** HTTPS through a proxy: CONNECT host:port, then TLS end to end inside the tunnel. */
function tunnel(proxy: URL, url: URL, signal: AbortSignal): Promise<Socket> {
  const target = `${url.hostname}:${url.port || 443}`
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      ...endpoint(proxy, 80),
      headers: {host: target, ...proxyAuthorization(proxy)},
      method: 'CONNECT',
      path: target,
      signal,
    })
    request.once('connect', (response, socket) => {
      if (response.statusCode === 200) return resolve(socket)
      socket.destroy()
      reject(
        fail(
          url,
          `the proxy ${proxy.host} refused CONNECT ${target}: HTTP ${response.statusCode}.`,
          'Check HTTPS_PROXY and NO_PROXY; a proxy that needs a login takes http://user:password@host:port.',
        ),
      )
    })
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        fail(
          url,
          `cannot reach the proxy ${proxy.host}: ${error.code ?? error.message}.`,
          'Check HTTPS_PROXY.',
        ),
      ),
    )
    request.end()
  })
}

function readCapped(response: IncomingMessage, url: URL, maxBytes: number): Promise<Buffer> {
  const tooLarge = () =>
    fail(url, `the response is larger than ${maxBytes} bytes, which no CA certificate is.`)
  if (Number(response.headers['content-length']) > maxBytes) {
    response.destroy()
    return Promise.reject(tooLarge())
  }

  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    response.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        response.destroy()
        reject(tooLarge())
        return
      }

      parts.push(chunk)
    })
    response.once('end', () => resolve(Buffer.concat(parts)))
    response.once('error', (error) => reject(fail(url, `the connection broke: ${error.message}.`)))
    response.once('close', () => {
      if (!response.complete) reject(fail(url, 'the connection closed before the whole answer arrived.'))
    })
  })
}

/** A login or error page served with status 200 is named as such, not reported as a certificate parse error. */
function rejectHtml(bytes: Buffer, url: URL, response: IncomingMessage): void {
  const text = readText(bytes)?.text
  if (
    text === undefined ||
    text.includes('-----BEGIN') ||
    !isHtml(text.trimStart().slice(0, 1024).toLowerCase())
  )
    return
  const title = /<title[^>]*>([^<]{1,80})/i.exec(text)?.[1].trim()
  throw fail(
    url,
    `the server answered with an HTML page${title ? ` titled "${title}"` : ''} ` +
      `(${response.headers['content-type'] ?? 'no content type'}), not a certificate.`,
    'The URL probably shows a login or a download page. Use the direct link to the .crt/.pem/.p7b file, ' +
      'or download it in a browser and point a file: source at it.',
  )
}

function redirectTarget(location: string, base: URL): URL | undefined {
  try {
    return new URL(location, base)
  } catch {
    return undefined
  }
}

function endpoint(proxy: URL, defaultPort: number): {host: string; port: number} {
  return {host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(proxy.port) || defaultPort}
}

function urlParts(url: URL): {host: string; path: string; port: number} {
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    path: url.pathname + url.search,
    port: Number(url.port) || 80,
  }
}

function sni(url: URL): string | undefined {
  return /^[\d.]+$|^\[/.test(url.hostname) ? undefined : url.hostname
}

function fail(url: URL, message: string, fix?: string): IntakeError {
  return new IntakeError('SOURCE_URL', `${url.href}: ${message}`, {fix})
}

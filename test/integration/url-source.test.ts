import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {IntakeError} from '../../src/certs/intake-error.js'
import {readUrlSource} from '../../src/sources/url.js'
import {makeLeaf, makeRootCa} from '../helpers/pki.js'
import {type Local, startProxy, startSilentServer, startWebServer} from '../helpers/servers.js'

const root = makeRootCa({commonName: 'URL Root'})
const NO_PROXY_ENV = {}

async function refusal(promise: Promise<unknown>): Promise<IntakeError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(IntakeError)
  return error as IntakeError
}

describe('https:// and http:// sources against local servers', () => {
  let web: Local
  let secure: Local
  let silent: Local
  beforeAll(async () => {
    const redirect = (n: number) => `/redirect/${n}`
    const routes: Parameters<typeof startWebServer>[0] = {
      '/big': (_req, res) =>
        res.writeHead(200, {'content-length': String(2 * 1024 * 1024)}).end(Buffer.alloc(2 * 1024 * 1024)),
      '/big-chunked': (_req, res) => {
        res.writeHead(200)
        for (let i = 0; i < 32; i++) res.write(Buffer.alloc(64 * 1024, 0x41))
        res.end()
      },
      '/login': (_req, res) =>
        res
          .writeHead(200, {'content-type': 'text/html; charset=utf-8'})
          .end(
            '<!DOCTYPE html>\n<html><head><title>Sign in to Team PKI</title></head><body>login</body></html>',
          ),
      '/missing': (_req, res) => res.writeHead(404).end(),
      '/to-ftp': (_req, res) => res.writeHead(301, {location: 'ftp://127.0.0.1/root.pem'}).end(),
      '/to-nowhere': (_req, res) => res.writeHead(302, {location: 'http://[::1'}).end(),
      '/root.der': (_req, res) => res.writeHead(200, {'content-type': 'application/pkix-cert'}).end(root.der),
      '/root.pem': (_req, res) => res.writeHead(200, {'content-type': 'text/html'}).end(root.certPem),
    }
    for (let n = 1; n <= 6; n++) {
      routes[redirect(n)] = (_req, res) =>
        res.writeHead(302, {location: n === 1 ? '/root.pem' : redirect(n - 1)}).end()
    }

    web = await startWebServer(routes)
    secure = await startWebServer(routes, makeLeaf(undefined, {hosts: ['127.0.0.1']}))
    silent = await startSilentServer()
  })
  afterAll(async () => {
    await Promise.all([web.close(), secure.close(), silent.close()])
  })

  it('downloads a DER certificate over http', async () => {
    const fetched = await readUrlSource(new URL(`${web.url}/root.der`), {env: NO_PROXY_ENV})
    expect(fetched.bytes).toEqual(root.der)
  })

  it('downloads over https from a server whose certificate it cannot verify yet (the pin decides later)', async () => {
    const fetched = await readUrlSource(new URL(`${secure.url}/root.pem`), {env: NO_PROXY_ENV})
    expect(fetched.bytes.toString()).toBe(root.certPem)
  })

  it('follows five redirects and names the final URL in the origin', async () => {
    const fetched = await readUrlSource(new URL(`${web.url}/redirect/5`), {env: NO_PROXY_ENV})
    expect(fetched.bytes.toString()).toBe(root.certPem)
    expect(fetched.origin).toBe(`${web.url}/redirect/5 (via ${web.url}/root.pem)`)
  })

  it('refuses a sixth redirect', async () => {
    const error = await refusal(readUrlSource(new URL(`${web.url}/redirect/6`), {env: NO_PROXY_ENV}))
    expect(error.message).toContain('more than 5 redirects')
  })

  it('refuses a redirect to a non-http URL or to something that is not a URL, quoting the location', async () => {
    const ftp = await refusal(readUrlSource(new URL(`${web.url}/to-ftp`), {env: NO_PROXY_ENV}))
    expect(ftp.message).toContain('redirected to "ftp://127.0.0.1/root.pem", which is not an http(s) URL')
    const broken = await refusal(readUrlSource(new URL(`${web.url}/to-nowhere`), {env: NO_PROXY_ENV}))
    expect(broken.message).toContain('redirected to "http://[::1"')
  })

  it('reports an HTML login page as an HTML page with its title, not as a parse error', async () => {
    const error = await refusal(readUrlSource(new URL(`${web.url}/login`), {env: NO_PROXY_ENV}))
    expect(error.code).toBe('INTAKE_SOURCE_URL')
    expect(error.message).toContain('answered with an HTML page titled "Sign in to Team PKI"')
    expect(error.fix).toContain('direct link')
  })

  it('refuses a 2 MiB body announced by Content-Length', async () => {
    const error = await refusal(readUrlSource(new URL(`${web.url}/big`), {env: NO_PROXY_ENV}))
    expect(error.message).toContain('larger than 1048576 bytes')
  })

  it('refuses a 2 MiB body sent without a length, once it passes 1 MiB', async () => {
    const error = await refusal(readUrlSource(new URL(`${secure.url}/big-chunked`), {env: NO_PROXY_ENV}))
    expect(error.message).toContain('larger than 1048576 bytes')
  })

  it('names the HTTP status of an error answer', async () => {
    const error = await refusal(readUrlSource(new URL(`${web.url}/missing`), {env: NO_PROXY_ENV}))
    expect(error.message).toContain('the server answered HTTP 404')
  })

  it('gives up on a server that never answers, with the timeout in the message', async () => {
    const error = await refusal(
      readUrlSource(new URL(`http://127.0.0.1:${silent.port}/ca.pem`), {env: {}, timeoutMs: 300}),
    )
    expect(error.message).toContain('no complete answer within 0.3 s')
  })

  it('gives up on an https server that never completes the handshake', async () => {
    const error = await refusal(
      readUrlSource(new URL(`https://127.0.0.1:${silent.port}/`), {env: {}, timeoutMs: 300}),
    )
    expect(error.message).toContain('no complete answer within 0.3 s')
  })

  it('names a refused connection', async () => {
    const closed = await startSilentServer()
    await closed.close()
    const error = await refusal(readUrlSource(new URL(`http://127.0.0.1:${closed.port}/`), {env: {}}))
    expect(error.message).toContain('ECONNREFUSED')
  })
})

describe('HTTPS_PROXY, HTTP_PROXY and NO_PROXY', () => {
  let web: Local
  let secure: Local
  let proxy: Local
  let locked: Local
  beforeAll(async () => {
    const routes = {
      '/root.pem': (_req: unknown, res: import('node:http').ServerResponse) => res.end(root.certPem),
    }
    web = await startWebServer(routes)
    secure = await startWebServer(routes, makeLeaf(undefined, {hosts: ['127.0.0.1']}))
    proxy = await startProxy()
    locked = await startProxy({requireAuth: 'dev:s3cret'})
  })
  afterAll(async () => {
    await Promise.all([web.close(), secure.close(), proxy.close(), locked.close()])
  })

  it('tunnels https through HTTPS_PROXY with CONNECT', async () => {
    const fetched = await readUrlSource(new URL(`${secure.url}/root.pem`), {env: {HTTPS_PROXY: proxy.url}})
    expect(fetched.bytes.toString()).toBe(root.certPem)
    expect(proxy.seen).toContain(`CONNECT 127.0.0.1:${secure.port}`)
  })

  it('sends http through HTTP_PROXY as an absolute-URI request', async () => {
    const fetched = await readUrlSource(new URL(`${web.url}/root.pem`), {env: {http_proxy: proxy.url}})
    expect(fetched.bytes.toString()).toBe(root.certPem)
    expect(proxy.seen).toContain(`GET ${web.url}/root.pem`)
  })

  it('goes direct for a host listed in NO_PROXY', async () => {
    const before = proxy.seen.length
    const env = {HTTPS_PROXY: proxy.url, NO_PROXY: 'example.test, 127.0.0.1'}
    const fetched = await readUrlSource(new URL(`${secure.url}/root.pem`), {env})
    expect(fetched.bytes.toString()).toBe(root.certPem)
    expect(proxy.seen.length).toBe(before)
  })

  it('still uses the proxy when NO_PROXY names the host with another port', async () => {
    const before = proxy.seen.length
    const env = {HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1:1'}
    await readUrlSource(new URL(`${secure.url}/root.pem`), {env})
    expect(proxy.seen.slice(before)).toEqual([`CONNECT 127.0.0.1:${secure.port}`])
  })

  it('sends the credentials in the proxy URL, and names a proxy that refuses the tunnel', async () => {
    const authorized = `http://dev:s3cret@127.0.0.1:${locked.port}`
    const fetched = await readUrlSource(new URL(`${secure.url}/root.pem`), {env: {HTTPS_PROXY: authorized}})
    expect(fetched.bytes.toString()).toBe(root.certPem)
    const error = await refusal(
      readUrlSource(new URL(`${secure.url}/root.pem`), {env: {HTTPS_PROXY: locked.url}}),
    )
    expect(error.message).toContain(`refused CONNECT 127.0.0.1:${secure.port}: HTTP 407`)
  })

  it('refuses a proxy setting that is not an http:// URL', async () => {
    const error = await refusal(
      readUrlSource(new URL(`${secure.url}/root.pem`), {env: {HTTPS_PROXY: 'socks5://127.0.0.1:1'}}),
    )
    expect(error.code).toBe('INTAKE_SOURCE_PROXY')
  })
})

import {createServer as createHttp, request, type IncomingMessage, type ServerResponse} from 'node:http'
import {createServer as createHttps} from 'node:https'
import {type AddressInfo, connect, createServer as createTcp, type Server, type Socket} from 'node:net'

import {type Issued} from '../../src/demo/pki.js'

export type Route = (request: IncomingMessage, response: ServerResponse) => void

export interface Local {
  close(): Promise<void>
  port: number
  /** Request lines seen, e.g. "GET /root.pem" or "CONNECT 127.0.0.1:4431". */
  seen: string[]
  url: string
}

/** An HTTP (or, given a certificate, HTTPS) server on 127.0.0.1 answering from a table of paths. */
export async function startWebServer(routes: Record<string, Route>, tls?: Issued): Promise<Local> {
  const seen: string[] = []
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}`)
    const route = routes[new URL(req.url ?? '/', 'http://127.0.0.1').pathname]
    if (route) return route(req, res)
    res.writeHead(404).end('not found')
  }

  const server = tls ? createHttps({cert: tls.certPem, key: tls.keyPem}, handler) : createHttp(handler)
  return listen(server, seen, tls ? 'https' : 'http')
}

/** A forward proxy on 127.0.0.1: CONNECT tunnels for https, absolute-URI requests for http. */
export async function startProxy(options: {requireAuth?: string} = {}): Promise<Local> {
  const seen: string[] = []
  const authorized = (req: IncomingMessage) =>
    !options.requireAuth ||
    req.headers['proxy-authorization'] === `Basic ${Buffer.from(options.requireAuth).toString('base64')}`
  const server = createHttp((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    if (!authorized(req)) return void res.writeHead(407).end()
    const target = new URL(req.url ?? '')
    const upstream = request(target, {headers: req.headers, method: req.method}, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.once('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`)
    if (!authorized(req)) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
    const [host, port] = (req.url ?? '').split(':')
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.once('error', () => client.destroy())
    client.once('error', () => upstream.destroy())
  })
  return listen(server, seen, 'http')
}

/** Accepts connections and never says a word: for timeouts. */
export async function startSilentServer(): Promise<Local> {
  const sockets = new Set<Socket>()
  const server = createTcp((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
  })
  const local = await listen(server, [], 'tcp')
  return {
    ...local,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await local.close()
    },
  }
}

async function listen(server: Server, seen: string[], scheme: string): Promise<Local> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
    port,
    seen,
    url: `${scheme}://127.0.0.1:${port}`,
  }
}

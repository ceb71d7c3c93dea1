import {type RequestListener} from 'node:http'
import {createServer, type Server} from 'node:https'
import {type AddressInfo} from 'node:net'

export interface Gateway {
  close(): Promise<void>
  port: number
  server: Server
  url: string
}

const hello: RequestListener = (_request, response) => {
  response.writeHead(200, {'content-type': 'text/plain'})
  response.end('hello from the gateway\n')
}

/** A local HTTPS "gateway" on 127.0.0.1 that answers every request with a short body, or with `handler`. */
export async function startGateway(options: {
  chainPem: string
  handler?: RequestListener
  host?: string
  keyPem: string
}): Promise<Gateway> {
  const server = createServer({cert: options.chainPem, key: options.keyPem}, options.handler ?? hello)
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
    port,
    server,
    url: `https://127.0.0.1:${port}/`,
  }
}

import {readFile} from 'node:fs/promises'
import {createServer} from 'node:https'
import {type AddressInfo} from 'node:net'
import {join, normalize} from 'node:path'

import {type Issued} from './pki.js'

export interface TestGateway {
  close(): Promise<void>
  port: number
  url: string
}

/**
 * A real TLS gateway on 127.0.0.1. It presents `leaf` plus `chain` (intermediates, maybe a root), and serves
 * files from `serveDir` (a bare git repo for dumb-HTTP `git ls-remote`), or "ok" for any other path.
 */
export async function startGateway(options: {
  chain?: Issued[]
  leaf: Issued
  serveDir?: string
}): Promise<TestGateway> {
  const cert = [options.leaf, ...(options.chain ?? [])].map((issued) => issued.certPem).join('')
  const server = createServer({cert, key: options.leaf.keyPem}, async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'https://x').pathname))
    if (options.serveDir && !path.includes('..')) {
      const body = await readFile(join(options.serveDir, path)).catch(() => undefined)
      if (body) {
        response.writeHead(200, {'content-type': 'application/octet-stream'})
        response.end(body)
        return
      }
    }

    response.writeHead(path === '/' ? 200 : 404, {'content-type': 'text/plain'})
    response.end(path === '/' ? 'ok\n' : 'not found\n')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
    port,
    url: `https://127.0.0.1:${port}/`,
  }
}

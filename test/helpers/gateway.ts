import {type RequestListener} from 'node:http'
import {readFile} from 'node:fs/promises'
import {join, normalize} from 'node:path'

import {startGateway as startDemoGateway} from '../../src/demo/gateway.js'
import {type Issued} from './pki.js'

export interface TestGateway {
  close(): Promise<void>
  port: number
  url: string
}

/**
 * A real TLS gateway on 127.0.0.1. It presents `leaf` plus `chain` (intermediates, maybe a root), and serves
 * files from `serveDir` (a bare git repo for dumb-HTTP `git ls-remote`, a pip simple index), or "ok" for `/`.
 */
export async function startGateway(options: {
  chain?: Issued[]
  leaf: Issued
  serveDir?: string
}): Promise<TestGateway> {
  const chainPem = [options.leaf, ...(options.chain ?? [])].map((issued) => issued.certPem).join('')
  const handler: RequestListener = async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'https://x').pathname))
    // A directory is served as its index.html, as a static pip "simple" index expects.
    const file = path.endsWith('/') && path !== '/' ? join(path, 'index.html') : path
    const body =
      options.serveDir && !path.includes('..')
        ? await readFile(join(options.serveDir, file)).catch(() => undefined)
        : undefined
    if (body) {
      response.writeHead(200, {
        'content-type': file.endsWith('.html') ? 'text/html' : 'application/octet-stream',
      })
      response.end(body)
      return
    }

    response.writeHead(path === '/' ? 200 : 404, {'content-type': 'text/plain'})
    response.end(path === '/' ? 'ok\n' : 'not found\n')
  }

  const gateway = await startDemoGateway({chainPem, handler, keyPem: options.leaf.keyPem})
  return {close: gateway.close, port: gateway.port, url: gateway.url}
}

import {isIP} from 'node:net'

import {IntakeError} from '../certs/intake-error.js'

/**
 * The proxy a request to `url` must go through, from the environment the way curl reads it: lower-case names
 * first, `NO_PROXY` entries matching the host or a parent domain, `*` for no proxy at all.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const setting = names.map((name) => env[name]).find((value) => value?.trim())
  if (!setting || bypassed(url, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined
  let proxy: URL
  try {
    proxy = new URL(setting.includes('://') ? setting : `http://${setting}`)
  } catch {
    throw new IntakeError('SOURCE_PROXY', `The proxy setting "${setting}" is not a URL.`, {
      fix: 'Set HTTPS_PROXY to http://host:port, or unset it.',
    })
  }

  if (proxy.protocol !== 'http:') {
    throw new IntakeError(
      'SOURCE_PROXY',
      `The proxy ${proxy.origin} uses ${proxy.protocol}; only http:// proxies work.`,
      {
        fix: 'Set HTTPS_PROXY to the http:// address of the proxy (CONNECT still carries TLS end to end).',
      },
    )
  }

  return proxy
}

export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {}
  const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
  return {'proxy-authorization': `Basic ${Buffer.from(user).toString('base64')}`}
}

function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  for (const raw of noProxy.split(/[\s,]+/).filter(Boolean)) {
    if (raw === '*') return true
    const {name, port: entryPort} = noProxyEntry(raw)
    if (entryPort && entryPort !== port) continue
    const entry = name.toLowerCase().replace(/^\*?\./, '')
    if (isIP(host) ? host === entry : host === entry || host.endsWith(`.${entry}`)) return true
  }

  return false
}

/** "host", "host:port", ".domain", "*.domain", "1.2.3.4", "::1", "[::1]:8443". */
function noProxyEntry(raw: string): {name: string; port?: string} {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(raw)
  if (bracketed) return {name: bracketed[1], port: bracketed[2]}
  if (isIP(raw)) return {name: raw}
  const [, name, port] = /^(.*?)(?::(\d+))?$/.exec(raw)!
  return {name, port}
}

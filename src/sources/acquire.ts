import {type AnchorChoice, chooseAnchors} from '../certs/anchor.js'
import {decodeCertificates} from '../certs/decode.js'
import {IntakeError} from '../certs/intake-error.js'
import {type AuthorityConfig, type SourceSpec} from '../config/team-config.js'
import {DevCertsError} from '../system/errors.js'
import {logger} from '../system/log.js'
import {type Fetched} from './source.js'

const log = logger('acquire')

/** A team CA we are ready to trust: pinned (or local), validated, with the intermediates that came with it. */
export interface Authority extends AnchorChoice {
  name: string
  /** The source that gave it, e.g. "tls://127.0.0.1:8443". */
  origin: string
  /** Files that held a private key; never copied, always warned about. */
  privateKeyIn: string[]
}

/** Tries the authority's sources in order; the first that yields a pinned anchor wins. */
export async function acquireAuthority(
  config: AuthorityConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Authority> {
  const attempts: string[] = []
  for (const source of config.sources) {
    try {
      const fetched = await fetchSource(source, env)
      const decoded = fetched.chain
        ? {
            certificates: fetched.chain.flatMap(
              (der) => decodeCertificates(der, fetched.origin).certificates,
            ),
            privateKey: false,
          }
        : decodeCertificates(fetched.bytes, fetched.origin)
      const choice = chooseAnchors(decoded.certificates, config.fingerprints, fetched.origin)
      log('%s: %s gave %d anchor(s)', config.name, fetched.origin, choice.anchors.length)
      return {
        ...choice,
        name: config.name,
        origin: fetched.origin,
        privateKeyIn: decoded.privateKey ? [fetched.origin] : [],
      }
    } catch (error) {
      if (!(error instanceof IntakeError)) throw error
      log('%s: %s failed: %s', config.name, source.text, error.message)
      if (config.sources.length === 1) throw error
      attempts.push(`- ${source.text}: ${error.message}`)
    }
  }

  throw new DevCertsError(
    'NO_ANCHOR',
    `Authority "${config.name}": no source gave a trusted CA.\n${attempts.join('\n')}`,
    {
      fix: 'Fix the first source that should work (see each line above).',
    },
  )
}

async function fetchSource(source: SourceSpec, env: NodeJS.ProcessEnv): Promise<Fetched> {
  // Network code loads only when a network source is used, which keeps the no-op path light.
  switch (source.kind) {
    case 'env':
      return (await import('./env.js')).readEnvSource(source.name, env)
    case 'file':
      return (await import('./file.js')).readFileSource(source.path)
    case 'tls':
      return (await import('./tls.js')).readTlsSource(source.host, source.port)
    case 'url':
      return (await import('./url.js')).readUrlSource(source.url)
  }
}

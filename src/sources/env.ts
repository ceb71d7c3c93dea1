import {IntakeError} from '../certs/intake-error.js'
import {type Fetched} from './source.js'

/** `env:NAME`: PEM in the variable (real or `\n`-escaped newlines), or base64 DER as CI secrets often hold it. */
export function readEnvSource(name: string, env: NodeJS.ProcessEnv = process.env): Fetched {
  const value = env[name]
  const origin = `environment variable ${name}`
  if (!value?.trim()) {
    throw new IntakeError('SOURCE_ENV', `${origin} is not set or empty.`, {
      fix: `Export ${name} with the CA certificate in PEM form, or as base64 of its DER.`,
    })
  }

  const text = value.replaceAll('\\n', '\n')
  if (text.includes('-----BEGIN')) return {bytes: Buffer.from(text, 'utf8'), origin}
  const base64 = text.replaceAll(/\s/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 === 1) {
    throw new IntakeError('SOURCE_ENV', `${origin} holds neither PEM nor base64.`, {
      fix: `Set ${name} to the PEM text (-----BEGIN CERTIFICATE-----…) or to base64 of the DER certificate.`,
    })
  }

  return {bytes: Buffer.from(base64, 'base64'), origin: `${origin} (base64)`}
}

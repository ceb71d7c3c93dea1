import {IntakeError} from '../certs/intake-error.js'
import {type Fetched} from './source.js'

/** `env:NAME`: PEM in the variable, or base64 DER (CI secrets are often stored that way). */
export function readEnvSource(name: string, env: NodeJS.ProcessEnv = process.env): Fetched {
  const value = env[name]
  const origin = `environment variable ${name}`
  if (!value?.trim()) {
    throw new IntakeError('SOURCE_ENV', `${origin} is not set or empty.`, {
      fix: `Export ${name} with the CA certificate in PEM form.`,
    })
  }

  const text = value.replaceAll('\\n', '\n')
  if (!text.includes('-----BEGIN') && /^[A-Za-z0-9+/=\s]+$/.test(text)) {
    return {bytes: Buffer.from(text.replaceAll(/\s/g, ''), 'base64'), origin}
  }

  return {bytes: Buffer.from(text, 'utf8'), origin}
}

import {DevCertsError} from '../system/errors.js'

/** POSIX shell single quotes: safe for any byte but NUL. */
export function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** fish: single quotes, where only \\ and \' are escapes. */
export function fishQuote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** PowerShell: single quotes, where a quote is doubled. */
export function pwshQuote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/**
 * dotenv values: single quotes are literal in both node dotenv and python-dotenv. A path that needs more than
 * that is refused rather than written in a form one of the loaders would misread.
 */
export function dotenvQuote(value: string): string {
  if (/[\n\r\0]/.test(value)) throw unsafe(value)
  if (!value.includes("'")) return `'${value}'`
  if (!/["\\$`]/.test(value)) return `"${value}"`
  throw unsafe(value)
}

function unsafe(value: string): DevCertsError {
  return new DevCertsError(
    'UNSAFE_PATH',
    `The path ${JSON.stringify(value)} cannot be written safely to a .env file.`,
    {
      fix: 'Set DEV_CERTS_HOME to a directory whose path has no quotes, newlines, backslashes or $.',
    },
  )
}

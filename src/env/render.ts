import {readFileSync} from 'node:fs'

import {dotenvQuote, shQuote} from './quote.js'

const TEMPLATES = new URL('../../templates/', import.meta.url)

/** Fills `{{name}}` slots in a file from templates/. Unknown slots are an error in our own templates. */
export function renderTemplate(name: string, values: Record<string, string>): string {
  const text = readFileSync(new URL(name, TEMPLATES), 'utf8')
  return text.replaceAll(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`template ${name} has no value for {{${key}}}`)
    return values[key]
  })
}

export function dotenvLines(variables: Array<[string, string]>): string[] {
  return variables.map(([name, value]) => `${name}=${dotenvQuote(value)}`)
}

export function renderEnvSh(variables: Array<[string, string]>): string {
  const exports = variables.map(([name, value]) => `export ${name}=${shQuote(value)}`).join('\n')
  return renderTemplate('env.sh', {exports})
}

/** The one line a shell profile gets: source env.sh when it exists, so a later uninstall cannot break the shell. */
export function profileLine(envSh: string): string {
  return `[ -f ${shQuote(envSh)} ] && . ${shQuote(envSh)}`
}

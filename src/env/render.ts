import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {type HomePaths} from '../system/paths.js'
import {type ProfileShell} from './profile.js'
import {dotenvQuote, fishQuote, pwshQuote, shQuote} from './quote.js'

let templates: string | undefined

/** The package's templates/, found upward: this code runs from src/, lib/ or a bundled chunk in dist/. */
function templatesDir(): string {
  if (templates) return templates
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'templates', 'env.sh'))) return (templates = join(dir, 'templates'))
  }

  throw new Error(`templates/ not found above ${fileURLToPath(import.meta.url)}: the package is incomplete`)
}

export type Shell = 'dotenv' | 'fish' | 'pwsh' | 'sh'
export const SHELLS: readonly Shell[] = ['sh', 'fish', 'pwsh', 'dotenv']

/** Fills `{{name}}` slots in a file from templates/. Unknown slots are an error in our own templates. */
export function renderTemplate(name: string, values: Record<string, string>): string {
  const text = readFileSync(join(templatesDir(), name), 'utf8')
  return text.replaceAll(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`template ${name} has no value for {{${key}}}`)
    return values[key]
  })
}

/** One line per variable in the syntax of `shell`, each value quoted so any path reads back as itself. */
export function envLines(shell: Shell, variables: Array<[string, string]>): string[] {
  return variables.map(([name, value]) => {
    switch (shell) {
      case 'dotenv':
        return `${name}=${dotenvQuote(value)}`
      case 'fish':
        return `set -gx ${name} ${fishQuote(value)}`
      case 'pwsh':
        return `$env:${name} = ${pwshQuote(value)}`
      case 'sh':
        return `export ${name}=${shQuote(value)}`
    }
  })
}

export function dotenvLines(variables: Array<[string, string]>): string[] {
  return envLines('dotenv', variables)
}

/** The snippet files setup writes next to the bundles, by shell: env.sh, env.fish, env.ps1. */
export const SNIPPET_TEMPLATES: Record<Exclude<Shell, 'dotenv'>, string> = {
  fish: 'env.fish',
  pwsh: 'env.ps1',
  sh: 'env.sh',
}

export function renderSnippet(shell: Exclude<Shell, 'dotenv'>, variables: Array<[string, string]>): string {
  return renderTemplate(SNIPPET_TEMPLATES[shell], {exports: envLines(shell, variables).join('\n')})
}

/**
 * The one line a shell profile gets: it loads the snippet only when it exists, so that a later uninstall
 * (or a deleted data dir) can never break the shell.
 */
export function profileLine(snippet: string, shell: Exclude<Shell, 'dotenv'> = 'sh'): string {
  switch (shell) {
    case 'fish':
      return `test -f ${fishQuote(snippet)}; and source ${fishQuote(snippet)}`
    case 'pwsh':
      return `if (Test-Path -LiteralPath ${pwshQuote(snippet)}) { . ${pwshQuote(snippet)} }`
    case 'sh':
      return `[ -f ${shQuote(snippet)} ] && . ${shQuote(snippet)}`
  }
}

/** The profile line for `shell`, sourcing the snippet in that shell's own syntax. */
export function profileLineFor(shell: ProfileShell, paths: HomePaths): string {
  if (shell === 'fish') return profileLine(paths.envFish, 'fish')
  if (shell === 'pwsh') return profileLine(paths.envPs1, 'pwsh')
  return profileLine(paths.envSh, 'sh')
}

/** The opt-in direnv line: direnv sources env.sh (bash syntax) and exports what it sets. */
export function envrcLine(envSh: string): string {
  return `source_env_if_exists ${shQuote(envSh)}`
}

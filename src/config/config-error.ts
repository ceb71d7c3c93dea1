import {DevCertsError} from '../system/errors.js'
import {type Position} from './json-position.js'

/** A bad team config: the message names the file, the line and column when known, and the key. */
export class ConfigError extends DevCertsError {
  readonly file: string
  readonly key: string
  readonly position?: Position

  constructor(file: string, where: string, message: string, fix?: string, position?: Position) {
    const place = [
      position ? `line ${position.line}, column ${position.column}` : '',
      where ? `at ${where}` : '',
    ]
    const shown = place.filter(Boolean).join(', ')
    super('CONFIG', `${file}${shown ? ` (${shown})` : ''}: ${message}`, {fix})
    this.file = file
    this.key = where
    this.position = position
  }
}

/** The closest known key within two edits, for "did you mean". */
export function suggest(input: string, known: readonly string[]): string | undefined {
  let best: {distance: number; key: string} | undefined
  for (const key of known) {
    const distance = editDistance(input.toLowerCase(), key.toLowerCase())
    if (distance <= 2 && (!best || distance < best.distance)) best = {distance, key}
  }

  return best?.key
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    }

    previous = current
  }

  return previous[b.length]
}

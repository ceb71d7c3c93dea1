import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

/** The shared field cases sit beside the repository, in CI too. */
export const CASES = fileURLToPath(new URL('../../../shared/cases/', import.meta.url))

export function caseFile(relative: string): Buffer {
  return readFileSync(`${CASES}${relative}`)
}

/** certs/FINGERPRINTS.txt: "name  AA:BB:…" per line, as SHA256:… pins. */
export function caseFingerprints(): Record<string, string> {
  const table: Record<string, string> = {}
  for (const line of caseFile('certs/FINGERPRINTS.txt').toString('utf8').split('\n')) {
    const [name, hex] = line.trim().split(/\s+/)
    if (name && hex) table[name] = `SHA256:${hex}`
  }

  return table
}

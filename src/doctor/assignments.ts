/** One `NAME=value` line in a dotenv file or a shell profile, with where it is. */
export interface Assignment {
  file: string
  line: number
  name: string
  value: string
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/

/**
 * The assignments of `names` in a dotenv file or a POSIX profile, in file order. Values are read as both
 * dotenv loaders and sh read simple values: quotes removed, a ` #` comment after an unquoted value dropped.
 * Lines inside a multi-line quoted value are skipped, so they are never mistaken for assignments.
 */
export function assignmentsIn(text: string, file: string, names: ReadonlySet<string>): Assignment[] {
  const found: Assignment[] = []
  let open: string | undefined
  for (const [i, raw] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    if (open) {
      if (raw.includes(open)) open = undefined
      continue
    }

    const match = LINE.exec(raw)
    if (!match) continue
    const [, name, rest] = match
    const quote = rest[0] === '"' || rest[0] === "'" ? rest[0] : undefined
    if (quote && rest.indexOf(quote, 1) === -1) {
      open = quote
      continue
    }

    if (!names.has(name)) continue
    const value = quote ? rest.slice(1, rest.indexOf(quote, 1)) : rest.replace(/\s+#.*$/, '')
    found.push({file, line: i + 1, name, value})
  }

  return found
}

export function where(assignment: Assignment): string {
  return `${assignment.file}:${assignment.line}`
}

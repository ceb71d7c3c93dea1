/**
 * Our lines inside someone else's file (`.env`, a shell profile), between two marker lines. Every byte outside
 * the block is kept: BOM, CRLF, quotes, and a missing final newline. Pure text in, text out.
 *
 * Appending to a file that does not end in a newline needs one: we add it before our block and leave the block
 * without a final newline, so the file keeps that shape and removal can restore it exactly.
 */
export const BEGIN = '# >>> dev-certs >>> managed block: `dev certs uninstall` removes it'
export const END = '# <<< dev-certs <<<'

/** Files are edited as latin1 strings (one char per byte) so that no byte sequence can be altered. */
const BOM_LATIN1 = '\u00ef\u00bb\u00bf'

export interface Located {
  /** Index just past the block, including its line end when it has one. */
  end: number
  /** The block ended at end of file without a line end (so we had added a separator before it). */
  joined: boolean
  start: number
}

export function findBlock(text: string): Located | undefined {
  let from = 0
  for (;;) {
    const start = lineStartOf(text, BEGIN, from)
    if (start === -1) return undefined
    const endLine = lineStartOf(text, END, start)
    const nextBegin = lineStartOf(text, BEGIN, start + BEGIN.length)
    // A BEGIN without its END (a damaged block) is left alone as user text.
    if (endLine === -1) return undefined
    if (nextBegin !== -1 && nextBegin < endLine) {
      from = nextBegin
      continue
    }

    let end = endLine + END.length
    if (text.startsWith('\r\n', end)) end += 2
    else if (text[end] === '\n') end += 1
    return {end, joined: end === text.length && !text.endsWith('\n'), start}
  }
}

export function eolOf(text: string): '\n' | '\r\n' {
  return text.includes('\r\n') ? '\r\n' : '\n'
}

/**
 * Returns the text with our block holding `lines`: rewritten in place, or appended. Lines end like the file's
 * own, unless `eol` is forced (shell profiles: a CR would become part of the sourced path).
 */
export function upsertBlock(text: string, lines: string[], forceEol?: '\n'): string {
  const found = findBlock(text)
  const eol = forceEol ?? eolOf(found ? text.slice(0, found.start) + text.slice(found.end) : text)
  const body = [BEGIN, ...lines, END].join(eol)
  if (found) {
    const tail = found.joined ? '' : eol
    return text.slice(0, found.start) + body + tail + text.slice(found.end)
  }

  if (text.length === 0 || text.endsWith('\n')) return text + body + eol
  return text + eol + body
}

/** Returns the text without our block, exactly as it was before the block was added. */
export function removeBlock(text: string): string {
  const found = findBlock(text)
  if (!found) return text
  if (found.joined) return withoutSeparator(text.slice(0, found.start))
  return text.slice(0, found.start) + text.slice(found.end)
}

/**
 * Undoes the line end we appended to a file that lacked a final one. We used the file's own style (CRLF when it
 * had any CRLF), so only one reading is consistent: "x\r" + "\n" and "x" + "\r\n" cannot both be.
 */
function withoutSeparator(before: string): string {
  const crlf = before.slice(0, -2)
  if (before.endsWith('\r\n') && crlf.includes('\r\n') && !crlf.endsWith('\n')) return crlf
  return before.slice(0, -1)
}

function lineStartOf(text: string, marker: string, from: number): number {
  for (let at = text.indexOf(marker, from); at !== -1; at = text.indexOf(marker, at + 1)) {
    const atLineStart =
      at === 0 || text[at - 1] === '\n' || (at === BOM_LATIN1.length && text.startsWith(BOM_LATIN1))
    const after = text[at + marker.length]
    const atLineEnd = after === undefined || after === '\n' || after === '\r'
    if (atLineStart && atLineEnd) return at
  }

  return -1
}

/**
 * The line (1-based) of a marker left without its pair, when a hand edit damaged a block. Such lines are never
 * removed by us, since we cannot prove where the block ended; callers warn and name the line instead.
 */
export function damagedMarkerLine(text: string): number | undefined {
  const found = findBlock(text)
  const rest = found ? text.slice(0, found.start) + text.slice(found.end) : text
  const lines = rest.split('\n').map((line) => line.replace(/\r$/, ''))
  const at = lines.findIndex((line) => line === BEGIN || line === END || line === BOM_LATIN1 + BEGIN)
  if (at === -1) return undefined
  // Lines removed with our intact block came before this one only if the block sat above it.
  const removed =
    found && found.start <= rest.split('\n').slice(0, at).join('\n').length
      ? text.slice(found.start, found.end).split('\n').length - 1
      : 0
  return at + 1 + removed
}

export function damagedWarning(path: string, line: number): string {
  return (
    `${path}:${line} has a dev-certs marker without its pair (edited by hand?). dev-certs leaves lines it cannot ` +
    'prove are its own: remove the old dev-certs lines there yourself.'
  )
}

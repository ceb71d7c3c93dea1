import {IntakeError} from './intake-error.js'

/** One `-----BEGIN X-----` … `-----END X-----` block, numbered from 1 in file order. */
export interface PemBlock {
  /** Base64 body with RFC 1421 header lines (Proc-Type, DEK-Info) and white space removed. */
  base64: string
  index: number
  label: string
  /** 1-based line of the BEGIN marker, for messages. */
  line: number
}

// Markers may sit inside a line: a PEM pasted into a variable often has spaces where its newlines were.
const MARKER = /-----(BEGIN|END) ([A-Z0-9 #]*?)-----/g

/** Splits PEM text into blocks; a block without its END, or with a mismatched one, is an error naming it. */
export function readPemBlocks(text: string, origin: string): PemBlock[] {
  const blocks: PemBlock[] = []
  let open: {bodyStart: number; index: number; label: string; line: number} | undefined
  let count = 0
  const lines = lineCounter(text)
  for (const match of text.matchAll(MARKER)) {
    const [marker, kind, label] = match
    const at = match.index
    const line = lines(at)
    if (kind === 'BEGIN') {
      count++
      if (open) throw unterminated(origin, open)
      open = {bodyStart: at + marker.length, index: count, label, line}
      continue
    }

    if (!open) {
      throw new IntakeError(
        'CORRUPT_PEM',
        `${origin}: line ${line} ends a ${label} block that never began.`,
        {
          fix: 'Copy the certificate again, including its -----BEGIN CERTIFICATE----- line.',
        },
      )
    }

    if (label !== open.label) {
      throw new IntakeError(
        'CORRUPT_PEM',
        `${origin}: PEM block ${open.index} (line ${open.line}) begins as ${open.label} but ends as ${label}.`,
      )
    }

    blocks.push({
      base64: cleanBody(text.slice(open.bodyStart, at)),
      index: open.index,
      label,
      line: open.line,
    })
    open = undefined
  }

  if (open) throw unterminated(origin, open)
  return blocks
}

/** Decodes a block's body; the base64 must be exact, since a changed character is a different certificate. */
export function blockBytes(block: PemBlock, origin: string): Buffer {
  const clean = block.base64
  if (clean.length === 0 || clean.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    throw new IntakeError(
      'CORRUPT_PEM',
      `${origin}: PEM block ${block.index} (${block.label}, line ${block.line}) is not valid base64.`,
      {fix: 'Copy the certificate again; some characters were lost or changed.'},
    )
  }

  return Buffer.from(clean, 'base64')
}

function cleanBody(body: string): string {
  return body
    .split(/\r?\n|\r/)
    .filter((line) => !line.includes(':'))
    .join('')
    .replaceAll(/\s/g, '')
}

function unterminated(origin: string, open: {index: number; label: string; line: number}): IntakeError {
  return new IntakeError(
    'CORRUPT_PEM',
    `${origin}: PEM block ${open.index} (${open.label}, line ${open.line}) is not complete: ` +
      'it has a BEGIN line without a matching END line.',
    {fix: `Copy the block again, including its -----END ${open.label}----- line.`},
  )
}

/** Line numbers for increasing offsets, counted once over the text (a 1 MiB file may hold many markers). */
function lineCounter(text: string): (offset: number) => number {
  let line = 1
  let scanned = 0
  return (offset) => {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++
    scanned = offset
    return line
  }
}

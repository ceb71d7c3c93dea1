/**
 * One setting in a tool's own config file, read and edited as lines, so that every other line (comments,
 * order, CRLF) is kept and removing the setting again gives back the file it was. Three shapes cover the
 * tools we configure: `.npmrc` (key=value), INI with sections (pip.conf, ~/.aws/config, gcloud) and
 * top-level YAML keys (.yarnrc.yml, .condarc).
 */
export type SettingsFormat = {kind: 'ini'; section: string} | {kind: 'npmrc'} | {kind: 'yaml'}

interface Found {
  /** Line index of the setting, or -1. */
  at: number
  /** Where a new setting goes: after the section's last non-blank line, or -1 when there is no section. */
  insertAt: number
  /** First and last line (exclusive) of the section that holds or would hold the setting. */
  sectionEnd: number
  sectionStart: number
}

export function readSetting(text: string, format: SettingsFormat, key: string): string | undefined {
  const line = settingLineOf(text, format, key)
  return line === undefined ? undefined : valueOf(line, format)
}

/** The whole line that holds `key`, as the file has it. */
export function settingLineOf(text: string, format: SettingsFormat, key: string): string | undefined {
  const lines = splitLines(text)
  const found = locate(lines, format, key)
  return found.at === -1 ? undefined : lines[found.at]
}

/**
 * The text with `key` set to `value`, or removed when `value` is undefined (with its section, if left empty).
 * `line`, when given, is the exact line to write (a user's own line put back as it was, quoting and all).
 */
export function writeSetting(
  text: string,
  format: SettingsFormat,
  key: string,
  value: string | undefined,
  line = value === undefined ? '' : settingLine(format, key, value),
): string {
  const lines = splitLines(text)
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const found = locate(lines, format, key)
  if (value === undefined) {
    if (found.at === -1) return text
    lines.splice(found.at, 1)
    // A section we added held only our line: its header goes too, with the blank line we put before it.
    if (format.kind === 'ini' && isEmptySection(lines, found.sectionStart, found.sectionEnd - 1)) {
      const gap = found.sectionStart > 0 && lines[found.sectionStart - 1].trim() === '' ? 1 : 0
      lines.splice(found.sectionStart - gap, 1 + gap)
    }

    return joinLines(lines, eol, text)
  }

  if (found.at !== -1) lines[found.at] = line
  else if (found.insertAt !== -1) lines.splice(found.insertAt, 0, line)
  else if (format.kind === 'ini') {
    const last = lastContent(lines)
    lines.splice(last + 1, 0, ...(last >= 0 ? [''] : []), `[${format.section}]`, line)
  }

  return joinLines(lines, eol, text)
}

function locate(lines: string[], format: SettingsFormat, key: string): Found {
  let sectionStart = format.kind === 'ini' ? -1 : 0
  let sectionEnd = format.kind === 'ini' ? -1 : lines.length
  if (format.kind === 'npmrc') {
    // Keys after the first [section] belong to that section.
    const first = lines.findIndex((line) => /^\s*\[/.test(line))
    if (first !== -1) sectionEnd = first
  } else if (format.kind === 'ini') {
    sectionStart = lines.findIndex((line) => line.trim() === `[${format.section}]`)
    if (sectionStart !== -1) {
      const next = lines.findIndex((line, i) => i > sectionStart && /^\s*\[/.test(line))
      sectionEnd = next === -1 ? lines.length : next
    }
  }

  if (sectionStart === -1) return {at: -1, insertAt: -1, sectionEnd, sectionStart}
  const from = format.kind === 'ini' ? sectionStart + 1 : 0
  let at = -1
  for (let i = from; i < sectionEnd; i++) if (keyOf(lines[i], format) === key) at = i
  const last = lastContent(lines.slice(0, sectionEnd))
  const insertAt = format.kind === 'ini' ? Math.max(last + 1, from) : last + 1
  return {at, insertAt, sectionEnd, sectionStart}
}

function keyOf(line: string, format: SettingsFormat): string | undefined {
  if (/^\s*[#;]/.test(line)) return undefined
  const match = format.kind === 'yaml' ? /^([\w.-]+)\s*:/.exec(line) : /^\s*([^=\s]+)\s*=/.exec(line)
  return match?.[1]
}

function valueOf(line: string, format: SettingsFormat): string {
  const raw = line.slice(line.indexOf(format.kind === 'yaml' ? ':' : '=') + 1).trim()
  if (format.kind === 'ini') return raw
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length > 1) {
    try {
      return JSON.parse(raw) as string
    } catch {
      return raw
    }
  }

  if (format.kind === 'yaml' && raw.startsWith("'") && raw.endsWith("'") && raw.length > 1) {
    return raw.slice(1, -1).replaceAll("''", "'")
  }

  return format.kind === 'yaml' ? raw.replace(/\s+#.*$/, '') : raw
}

function settingLine(format: SettingsFormat, key: string, value: string): string {
  switch (format.kind) {
    case 'ini':
      return `${key} = ${value}`
    case 'npmrc':
      // npm's ini reader strips quotes and ; or # comments, so a value holding those is written as JSON.
      return `${key}=${/^["']|[;#]|^\s|\s$/.test(value) ? JSON.stringify(value) : value}`
    case 'yaml':
      // A JSON string is a valid YAML double-quoted scalar, whatever the path holds.
      return `${key}: ${JSON.stringify(value)}`
  }
}

function isEmptySection(lines: string[], start: number, end: number): boolean {
  return lines.slice(start + 1, end).every((line) => line.trim() === '')
}

function lastContent(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return i
  return -1
}

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines
}

/** Joins with the file's own line ends; the file keeps (or gets, when new) a final newline. */
function joinLines(lines: string[], eol: string, original: string): string {
  if (lines.length === 0) return ''
  const finalEol = original === '' || /\n$/.test(original) ? eol : ''
  return lines.join(eol) + finalEol
}

/** 1-based line and column in the config text, as editors show them. */
export interface Position {
  column: number
  line: number
}

/** Where each key and list item starts, by path ("authorities[0].name"), and how far a broken text got. */
export interface KeyMap {
  /** Keys written twice in one object: JSON.parse keeps the last silently, which hides a pin from review. */
  duplicates: string[]
  /** The last path reached; for a syntax error, the key the error follows. */
  last?: string
  positions: Map<string, Position>
}

class Stop extends Error {}

/**
 * Maps the keys of JSON text to their positions, so a config error can point at the line of the key, not
 * only name it. It reads the structure leniently and stops at the first syntax error; JSON.parse stays the
 * judge of whether the text is valid.
 */
export function mapKeys(text: string): KeyMap {
  const offsets = new Map<string, number>()
  const duplicates: string[] = []
  let last: string | undefined
  let i = 0
  const skip = () => {
    while (/\s/.test(text[i] ?? '')) i++
  }

  const string = (): string => {
    const start = i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    if (i++ >= text.length) throw new Stop()
    try {
      return JSON.parse(text.slice(start, i)) as string
    } catch {
      throw new Stop()
    }
  }

  const mark = (path: string, at: number) => {
    if (offsets.has(path)) duplicates.push(path)
    offsets.set(path, at)
    last = path
  }

  const value = (path: string, depth = 0): void => {
    // A config is a few levels deep; a pathological one must not exhaust the stack.
    if (depth > 64) throw new Stop()
    skip()
    if (text[i] === '{') {
      return members('}', (at) => {
        if (text[i] !== '"') throw new Stop()
        const key = string()
        const child = path ? `${path}.${key}` : key
        mark(child, at)
        skip()
        if (text[i++] !== ':') throw new Stop()
        value(child, depth + 1)
      })
    }

    if (text[i] === '[') {
      let index = 0
      return members(']', (at) => {
        const child = `${path}[${index++}]`
        mark(child, at)
        value(child, depth + 1)
      })
    }

    if (text[i] === '"') return void string()
    const start = i
    while (i < text.length && !/[\s,\]}:]/.test(text[i])) i++
    if (i === start) throw new Stop()
  }

  const members = (close: string, member: (at: number) => void): void => {
    i++
    skip()
    if (text[i] === close) return void i++
    for (;;) {
      skip()
      member(i)
      skip()
      const next = text[i++]
      if (next === close) return
      if (next !== ',') throw new Stop()
    }
  }

  try {
    value('')
  } catch (error) {
    if (!(error instanceof Stop)) throw error
  }

  const positions = new Map<string, Position>()
  for (const [path, offset] of offsets) positions.set(path, positionOf(text, offset))
  return {duplicates, last, positions}
}

export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return {column: offset - before.lastIndexOf('\n'), line}
}

/** The position of `path`, or of the nearest enclosing key or item that exists in the text. */
export function findPosition(map: KeyMap, path: string): Position | undefined {
  for (let at = path; at; at = at.replace(/(\.[^.[\]]*|\[\d+\])$/, '')) {
    const found = map.positions.get(at)
    if (found) return found
    if (!/(\.[^.[\]]*|\[\d+\])$/.test(at)) break
  }

  return undefined
}

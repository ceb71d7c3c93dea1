import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {
  BEGIN,
  damagedMarkerLine,
  END,
  findBlock,
  removeBlock,
  upsertBlock,
} from '../../src/env/managed-block.js'

const CASES = new URL('../../../shared/cases/env/', import.meta.url)
const latin1 = (name: string) => readFileSync(new URL(name, CASES)).toString('latin1')

describe('managed block in a shared file', () => {
  const originals: Record<string, string> = {
    'crlf-bom.env from the field': latin1('crlf-bom.env'),
    'empty file': '',
    'no final newline': 'A=1\nB=2',
    'plain LF': 'A=1\n',
    'only a BOM': '\u00ef\u00bb\u00bf',
  }

  for (const [name, original] of Object.entries(originals)) {
    it(`${name}: setup keeps every byte outside the block and uninstall restores it exactly`, () => {
      const added = upsertBlock(original, ['X=1'])
      const block = findBlock(added)!
      expect(added.slice(0, block.start).startsWith(original.replace(/\r?\n$/, ''))).toBe(true)
      expect(added).toContain(BEGIN)
      expect(removeBlock(added)).toBe(original)
      const rewritten = upsertBlock(added, ['X=2', 'Y=3'])
      expect(rewritten.slice(0, block.start)).toBe(added.slice(0, block.start))
      expect(removeBlock(rewritten)).toBe(original)
    })
  }

  it('uses CRLF for its own lines in a CRLF file', () => {
    const added = upsertBlock('A=1\r\n', ['X=1'])
    expect(added).toBe(`A=1\r\n${BEGIN}\r\nX=1\r\n${END}\r\n`)
  })

  it('rewrites the block in place, keeping user lines after it', () => {
    const text = upsertBlock('A=1\n', ['X=1']) + 'B=2\n'
    expect(upsertBlock(text, ['X=9'])).toBe(`A=1\n${BEGIN}\nX=9\n${END}\nB=2\n`)
  })

  it('leaves a damaged block (BEGIN without END) as user text', () => {
    const damaged = `A=1\n${BEGIN}\nX=1\n`
    expect(findBlock(damaged)).toBeUndefined()
    const added = upsertBlock(damaged, ['X=2'])
    expect(removeBlock(added)).toBe(damaged)
  })
})

describe('managed block fuzz (short run of scripts/fuzz-env-block.mjs)', () => {
  it('random files: bytes outside the block never change and removal restores the original', async () => {
    const {execa} = await import('execa')
    const script = new URL('../../scripts/fuzz-env-block.mjs', import.meta.url).pathname
    const result = await execa(process.execPath, [script, '--iterations', '5000', '--seed', '42'], {
      reject: false,
    })
    expect(result.stdout).toMatch(/env-block fuzz: 5000 random files in .* s, 0 failures/)
    expect(result.exitCode).toBe(0)
  })

  it('a file ending in a lone CR gets its CR back on removal', () => {
    for (const original of ["'\r", 'A=1\r\nB\r', 'x\r\r'])
      expect(removeBlock(upsertBlock(original, ['X=1']))).toBe(original)
  })
})

describe('damaged blocks', () => {
  it('names the line of a marker left without its pair, before or after an intact block', () => {
    expect(damagedMarkerLine(`A=1\n${BEGIN}\nX=1\n`)).toBe(2)
    expect(damagedMarkerLine(`A=1\n${END}\n`)).toBe(2)
    expect(damagedMarkerLine(upsertBlock('A=1\n', ['X=1']))).toBeUndefined()
    expect(damagedMarkerLine(upsertBlock(`A=1\n${BEGIN}\nOLD=1\n`, ['X=1']))).toBe(2)
    expect(damagedMarkerLine(`${upsertBlock('A=1\n', ['X=1'])}B=2\n${BEGIN}\n`)).toBe(6)
  })
})

import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {BEGIN, END} from '../../src/env/managed-block.js'
import {runSetup} from '../../src/plan/setup-run.js'
import {runUninstall} from '../../src/plan/uninstall-run.js'
import {makeProject, removeProjects} from '../helpers/project.js'

const CASES = new URL('../../../shared/cases/env/', import.meta.url)
const BOM = '\uFEFF'

/** Odd .env and profile files, handwritten: each must survive setup + uninstall byte for byte. */
const CORPUS: Record<string, Buffer | string> = {
  'BOM + CRLF + no final newline': `${BOM}A=1\r\nB="two words"\r\nC='x'`,
  'CRLF with final newline': 'A=1\r\nB=2\r\n',
  'LF, final newline': 'A=1\nB=2\n',
  'LF, no final newline': 'A=1\nB=2',
  'a lone CR in a value': 'A=x\ry\n',
  'blank lines only': '\n\n\n',
  'damaged block: BEGIN without END': `A=1\n${BEGIN}\nOLD=1\n`,
  'damaged block: END without BEGIN': `A=1\n${END}\nB=2\n`,
  'duplicate keys': 'A=1\nA=2\nREQUESTS_CA_BUNDLE=/etc/team.pem\nREQUESTS_CA_BUNDLE=/x\n',
  'empty file': '',
  'export prefix and spaces': 'export A=1\n  export   B = 2 \n',
  'inline comments': 'A=1 # one\nB="2" # two # three\n#C=3\n',
  'invalid UTF-8 bytes': Buffer.from([0x41, 0x3d, 0xff, 0xfe, 0x80, 0x0a, 0x42, 0x3d, 0xc3]),
  'Latin-1 text': Buffer.from('NAME=Jos\u00e9\n', 'latin1'),
  'marker text inside a value': `A="${BEGIN}"\n`,
  'mixed CRLF and LF': 'A=1\r\nB=2\nC=3\r\n',
  'multi-line double-quoted value': 'KEY="-----BEGIN X-----\nabc\n-----END X-----"\nB=2\n',
  'only a BOM': BOM,
  'our block already present and current': '', // filled in by the test: the output of a first setup
  'quotes of every kind': `A='single'\nB="double \\" escaped"\nC=\`back\`\n`,
  'shell profile with functions': 'f() {\n  echo "$1"\n}\nalias ll="ls -l"\n[ -f ~/.x ] && . ~/.x',
  'tabs and trailing spaces': 'A=1\t\nB=2   \n',
  'unicode keys and values': 'GR\u00dc\u00dfE=\u4f60\u597d\n\u{1F600}=1\n',
  'very long line': `A=${'x'.repeat(100_000)}\n`,
}

afterAll(removeProjects)

describe('env files from the field and a corpus of odd ones', () => {
  const run = async (dir: string, home: string, action: 'setup' | 'uninstall') => {
    const common = {cwd: dir, dataDir: home, dryRun: false, env: {DEV_CERTS_HOME: home}, interactive: false}
    const progress = () => undefined
    if (action === 'setup') return runSetup({...common, progress, shellProfile: false, system: false})
    return runUninstall({...common, progress})
  }

  const entries = Object.entries(CORPUS)
  it('has at least 20 handwritten files, plus every file in shared/cases/env', () => {
    expect(entries.length).toBeGreaterThanOrEqual(20)
  })

  for (const [name, content] of entries) {
    it(`${name}: setup keeps every byte outside the block, a second setup rewrites it in place, uninstall restores`, async () => {
      const {dir, home} = await makeProject()
      const path = join(dir, '.env')
      let original = Buffer.from(typeof content === 'string' ? content : content)
      if (name === 'our block already present and current') {
        await writeFile(path, 'A=1\n')
        await run(dir, `${home}-first`, 'setup')
        original = await readFile(path)
      }

      await writeFile(path, original)
      await run(dir, home, 'setup')
      const once = await readFile(path)
      const start = once.indexOf(BEGIN)
      expect(start).toBeGreaterThanOrEqual(0)
      // The user's bytes come first, untouched (a separator newline may follow a file that lacked one).
      expect(once.subarray(0, Math.min(start, original.length))).toEqual(
        original.subarray(0, Math.min(start, original.length)),
      )

      // Another home changes the block's paths: the block is rewritten where it is, nothing else moves.
      await run(dir, `${home}-moved`, 'setup')
      const moved = await readFile(path)
      expect(moved.indexOf(BEGIN)).toBe(start)
      expect(moved.subarray(0, start)).toEqual(once.subarray(0, start))
      expect(moved.toString('latin1')).toContain(`${home}-moved/bundle.pem`)

      await run(dir, `${home}-moved`, 'uninstall')
      const restored = await readFile(path).catch(() => Buffer.alloc(0))
      if (name === 'our block already present and current') {
        expect(restored.toString()).toBe('A=1\n')
      } else {
        expect(restored).toEqual(original)
      }
    })
  }

  for (const file of ['crlf-bom.env', 'naive-requests-bundle.env', 'insecure-overrides.env']) {
    it(`shared case ${file}: setup then uninstall is byte-identical`, async () => {
      const {dir, home} = await makeProject()
      const original = await readFile(new URL(file, CASES))
      await writeFile(join(dir, '.env'), original)
      const report = await run(dir, home, 'setup')
      await run(dir, home, 'uninstall')
      expect(await readFile(join(dir, '.env'))).toEqual(original)
      if (file === 'naive-requests-bundle.env') {
        expect('warnings' in report && report.warnings.join('\n')).toMatch(
          /sets REQUESTS_CA_BUNDLE itself; it was left/,
        )
      }
    })
  }
})

import {describe, expect, it} from 'vitest'

import {CLIENT_VARIABLES, CLIENTS, wantedVariables} from '../../src/env/clients.js'

const ISSUE_MINIMUM: Record<string, 'extends' | 'replaces'> = {
  AWS_CA_BUNDLE: 'replaces',
  CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE: 'replaces',
  CONDA_SSL_VERIFY: 'replaces',
  CURL_CA_BUNDLE: 'replaces',
  DENO_CERT: 'extends',
  GIT_SSL_CAINFO: 'replaces',
  GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: 'replaces',
  NODE_EXTRA_CA_CERTS: 'extends',
  PIP_CERT: 'replaces',
  REQUESTS_CA_BUNDLE: 'replaces',
  SSL_CERT_FILE: 'replaces',
}

describe('the client table', () => {
  it("holds the issue's minimum, each variable with the right mode", () => {
    const modes = Object.fromEntries(CLIENT_VARIABLES.map((row) => [row.variable, row.mode]))
    expect(modes).toEqual(ISSUE_MINIMUM)
    for (const client of [
      'requests',
      'httpx',
      'pip',
      'uv',
      'curl',
      'git',
      'AWS',
      'gcloud',
      'Deno',
      'gRPC',
      'conda',
    ]) {
      expect(
        CLIENTS.some((row) => row.client.includes(client)),
        client,
      ).toBe(true)
    }
  })

  it('every variable that replaces the default roots gets the combined bundle, every extending one the CAs', () => {
    for (const row of CLIENT_VARIABLES) {
      expect([row.variable, row.file]).toEqual([row.variable, row.mode === 'replaces' ? 'bundle' : 'team-ca'])
    }
  })

  it('each variable is exported once, with an absolute path, and conda gets a path (never false)', () => {
    const pairs = wantedVariables({bundle: '/h/bundle.pem', teamCa: '/h/team-ca.pem'})
    expect(new Set(pairs.map(([name]) => name)).size).toBe(pairs.length)
    for (const [, value] of pairs) expect(value.startsWith('/')).toBe(true)
    expect(Object.fromEntries(pairs).CONDA_SSL_VERIFY).toBe('/h/bundle.pem')
  })

  it("Node's row names the process-start trap and NODE_USE_SYSTEM_CA with its versions", () => {
    const node = CLIENTS.find((row) => row.variable === 'NODE_EXTRA_CA_CERTS')!
    expect(node.caveat).toMatch(/process start/)
    expect(node.caveat).toMatch(/NODE_USE_SYSTEM_CA=1/)
    expect(node.caveat).toMatch(/22\.19/)
    expect(node.caveat).toMatch(/24\.6/)
  })
})

describe('README client table', () => {
  it('names every variable and every tool of the table, so the docs cannot drift from it', async () => {
    const {readFile} = await import('node:fs/promises')
    const {TOOL_IDS} = await import('../../src/config/team-config.js')
    const docs = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
    for (const row of CLIENT_VARIABLES)
      expect(docs, row.variable).toMatch(new RegExp(`\\| \`${row.variable}\` +\\|`))
    for (const tool of TOOL_IDS) expect(docs, tool).toContain(tool)
  })

  it("the doctor's sample reports count as many client variables as the table has", async () => {
    const {readFile} = await import('node:fs/promises')
    for (const file of ['../../README.md', '../../docs/doctor.md']) {
      const docs = await readFile(new URL(file, import.meta.url), 'utf8')
      const counts = [...docs.matchAll(/(\d+) client variable/g)].map(([, count]) => Number(count))
      expect(counts.length, file).toBeGreaterThan(0)
      expect(counts, file).toEqual(counts.map(() => CLIENT_VARIABLES.length))
    }
  })
})

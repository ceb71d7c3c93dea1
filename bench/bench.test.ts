import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {removeProjects} from '../test/helpers/project.js'
import {type Sandbox, sandboxUnavailable, startSandbox} from '../test/helpers/sandbox.js'
import {
  doctorOnSetUpMachine,
  type Figure,
  mkcertReference,
  p1NoopSetup,
  p2FirstSetup,
  p3Doctor,
  p4Bundle,
  p5Hook,
} from './figures.js'
import {renderResults} from './report.js'

const quick = process.env.BENCH_QUICK === '1'
const runs = quick ? 1 : Number(process.env.BENCH_RUNS ?? 15)
/** BENCH_ONLY=P2,P3 measures those alone, to iterate on one figure; RESULTS.md is then left as it is. */
const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim().toUpperCase())
const wanted = (id: string) => !only || only.includes(id)
const skipSandbox = await sandboxUnavailable()
let sandbox: Sandbox | undefined
let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dev-certs-bench-'))
  if (!skipSandbox) sandbox = await startSandbox()
})

afterAll(async () => {
  await sandbox?.stop()
  await removeProjects()
  await rm(scratch, {force: true, recursive: true})
})

it(`measures P1–P5 as ratios against baselines of the same run${quick ? ' (quick)' : ''}`, async () => {
  const figures: Figure[] = []
  const extra: string[] = []
  if (wanted('P1')) figures.push(await p1NoopSetup(Math.max(runs, quick ? 1 : 10)))
  if (!sandbox) extra.push(`P2, P5 and mkcert skipped: ${skipSandbox}`)
  else if (wanted('P2'))
    figures.push(await p2FirstSetup(sandbox, quick ? 1 : Math.max(8, Math.ceil(runs / 2))))
  if (wanted('P3')) figures.push(await p3Doctor(quick ? 1 : Math.max(5, Math.ceil(runs / 2))))
  if (sandbox && wanted('P3')) extra.push(...(await doctorOnSetUpMachine(sandbox, quick ? 1 : 10)))
  if (wanted('P4')) figures.push(await p4Bundle(runs, scratch))
  if (sandbox && wanted('P5')) figures.push(await p5Hook(sandbox, runs, scratch))
  if (sandbox && !only) extra.push(...(await mkcertReference(sandbox, join(scratch, 'mkcert'))))

  const report = renderResults(figures, extra, quick)
  process.stdout.write(report)
  for (const f of figures) {
    expect(f.baseline.stats.median).toBeGreaterThan(0)
    expect(f.candidate.stats.median).toBeGreaterThan(0)
  }

  if (!quick && !only) await writeFile(new URL('RESULTS.md', import.meta.url), report)
}, 900_000)

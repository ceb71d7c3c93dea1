import {execa} from 'execa'

/** Wall-clock samples of a command, in milliseconds, and the peak RSS of one run (GNU time). */
export interface Series {
  label: string
  ms: number[]
  rssKb?: number
}

export interface Stats {
  max: number
  median: number
  min: number
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return {max: sorted.at(-1)!, median, min: sorted[0]}
}

export async function timeOnce(argv: string[], options: {cwd?: string; env?: Record<string, string>} = {}) {
  const started = process.hrtime.bigint()
  const result = await execa(argv[0], argv.slice(1), {...options, extendEnv: !options.env, reject: false})
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.exitCode !== 0)
    throw new Error(`${argv.join(' ')} failed (${result.exitCode}): ${result.stderr}`)
  return ms
}

/** Peak resident set of one run, read from GNU time's %M (kilobytes). */
export async function peakRss(argv: string[], options: {cwd?: string; env?: Record<string, string>} = {}) {
  const result = await execa('/usr/bin/time', ['-f', '%M', ...argv], {
    ...options,
    extendEnv: !options.env,
    reject: false,
  })
  return Number(String(result.stderr).trim().split('\n').at(-1))
}

/**
 * Runs baseline and candidate alternately, so both see the same machine in the same minute: a noisy neighbour
 * slows both, and the ratio of medians stays meaningful.
 */
export async function interleave(
  runs: number,
  baseline: () => Promise<number>,
  candidate: () => Promise<number>,
): Promise<{baseline: number[]; candidate: number[]}> {
  const out = {baseline: [] as number[], candidate: [] as number[]}
  await baseline()
  await candidate()
  for (let i = 0; i < runs; i++) {
    out.baseline.push(await baseline())
    out.candidate.push(await candidate())
  }

  return out
}

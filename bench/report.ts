import {cpus, totalmem} from 'node:os'

import {type Figure} from './figures.js'

const PROFILE_NOTES = `## What dominated (node --cpu-prof), and what was done

- **No-op setup (P1), before**: ~5× \`node -e 0\`. Module loading — ESM and CommonJS resolution of
  @oclif/core and its dependencies (about 200 ms of a ~1 s run on a loaded machine), then oclif's plugin and
  manifest loading, GC, and only then our own work (a few ms: read the config, read one certificate, hash
  the OS bundle).
- **No-op setup, after**: \`bin/run.js\` answers it before importing oclif. The last full run recorded the
  SHA-256 of every file it read or wrote (\`.noop-stamps.json\`); the fast path (one bundled file, built-ins
  only) re-hashes them, so what remains is Node's own start-up and ~1 ms of hashing. \`bin/\` and that file
  are CommonJS: an ES module entry cost Node ~5 ms of loader set-up on every run. The \`setup\` hook (P5) uses
  the same check from one file of its own.
- **First setup (P2), before**: ~1.6–1.8× the bare refresh. Of ~0.7 s on top of \`update-ca-certificates\`,
  ~0.4 s was loading code: @oclif/core (~0.17 s over \`node -e 0\`), execa and its ~100 modules (~0.17 s),
  our ~60 modules; then ~75 ms of our own work (acquire, plan, seven atomic writes with fsync).
- **First setup, after**: the CLI runs from an esbuild bundle (\`dist/\`), and a setup with simple flags skips
  oclif. Its code, execa included, is one CommonJS file that loads from a V8 code cache made at build time
  (Node 20 keeps none for ES modules): from the no-op check to the CA acquired (loading setup, reading the
  config, starting execa) went from ~47 to ~23 ms, alternating the two builds in one sandbox. \`debug\`, with
  the tty and colour detection it pulls in, loads only when DEBUG is set (~15 ms). Planning starts its reads
  together (the .env block, the state record, the OS roots; then the stores and --configure; then the six
  home files): ~19 → ~16 ms. Our files and, as root, the trust anchor are written and synced together, then
  renamed into place one by one; what puts our files back on a failure is read at once. The no-op stamp is
  not synced (it holds the hash of every file it vouches for). A PEM block's fingerprint decodes its base64
  as it stands (150 roots, read twice per setup: 5.5 → 1.6 ms).
- **First setup, the baseline**: each timed refresh (ours and the bare one) starts from a clean store, reset
  with \`update-ca-certificates --fresh\` as uninstall now does. Until this run the reset was a plain run,
  which leaves links to the removed anchor; a refresh over those took ~515 ms where one over a clean store
  takes ~785, so both sides were measured from a state no first setup meets. From the same clean state,
  alternating the builds (12 runs each): at the start of this round of work a setup added 137 ms to a 981 ms
  refresh, now 93 ms.
- **First setup, where the time goes now** (marks in a run, medians of 15, this machine): Node's start-up to
  \`bin/run.js\` ~27 ms, the no-op check ~9, loading setup from its cache ~7, config and execa ~13, acquire
  ~5, plan ~15, staging ~8, the anchor and the renames ~5, then the refresh; after it ~7 (the stamp, exit).
  The floor line above (Node starting and loading setup and execa) is most of what is left; the refresh
  itself varies by ±15% from run to run, so the ratio moves around the target between runs.
- **Tried and dropped for P2**: running the refresh while our files are written (it then took longer by
  about what the writes took, most likely their fsyncs beside its own ~300 file operations: 1091 against
  1087 ms over 14 runs each); loading execa in a worker thread started before setup's code (ready in time,
  but the main thread's own loading slowed by about as much: −8 ms of ~360); minifying the bundle (parsing
  is not the cost: no gain, and slower with names kept); a code cache of every function (\`--no-lazy\` when
  making it: V8 refuses a cache made under other flags, and at 840 KB it would take longer to read).
- **Hook (P5)**: measured as the issue defines it, against the same host with the plugin installed and its
  hook absent, so the figure is the hook alone: loading one bundled file, finding the config and re-hashing
  the recorded files. The error class now loads only on failure (~5 ms) and the config is located once. The
  plugin's whole cost, against a host without it, is a reference line: most of it is oclif's own handling
  of one more plugin (reading its package.json and manifest, matching the host's plugin list).
- **Doctor (P3)**: the slowest client alone is Python importing httpx (~0.3 s of its ~0.4 s). The four
  clients together need about twice its CPU (httpx 0.38, requests 0.25, Node 0.11, curl 0.06 s) and the
  doctor's own process ~0.15 s (spawning, the in-process handshake's OpenSSL context, hashing), so on two
  cores the floor is ~1.2× before any scheduling loss. Done: longest probes first, a retried interpreter at
  the head of the queue, the in-process handshake against the bundle's team part first (parsing ~150 public
  roots into an OpenSSL context cost 45–85 ms). Tried and dropped: one Python process for both libraries
  (less CPU in all, but its import of both became the critical path: 1.45–1.5×).
- First runs are dominated by \`update-ca-certificates\` itself (\`openssl rehash\` of /etc/ssl/certs).`

export function renderResults(figures: Figure[], extra: string[], quick: boolean): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  const rows = figures.map((f) => {
    const c = f.candidate.stats
    return (
      `| ${f.id} | ${f.title} | ${f.baseline.label}: ${ms(f.baseline.stats.median)} | ` +
      `${ms(c.min)} / ${ms(c.median)} / ${ms(c.max)} | ${f.ratio.toFixed(2)}× | ${f.target} | ${f.met ? 'met' : 'NOT met'} |`
    )
  })
  const details = figures.flatMap((f) => (f.extra ?? []).map((line) => `- ${f.id}: ${line}`))
  return [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\`${quick ? ' (QUICK mode: 1 run each, only proves the harness works)' : ''} on ` +
      `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ` +
      `${process.platform} ${process.arch}.`,
    '',
    'Each figure runs its baseline and the candidate alternately in the same process tree and the same minute;',
    'the ratio is candidate median / baseline median. Times are wall clock.',
    '',
    '| id | figure | baseline (median) | candidate min / median / max | ratio | target | result |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...details,
    ...extra.map((line) => `- reference: ${line}`),
    '',
    PROFILE_NOTES,
    '',
  ].join('\n')
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 0)} ms`
}

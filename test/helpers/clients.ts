import {type SandboxResult} from './sandbox.js'

/** Real TLS clients, each as argv for one verified request. No client is ever told to skip verification. */
export const CLIENTS: Record<string, (url: string) => string[]> = {
  curl: (url) => ['curl', '--silent', '--show-error', '--fail', '--output', '/dev/null', url],
  git: (url) => ['git', 'ls-remote', `${url}repo.git`],
  'node fetch': (url) => [process.execPath, '-e', 'fetch(process.argv[1]).then((r) => r.text())', url],
  'node https': (url) => [
    process.execPath,
    '-e',
    "require('node:https').get(process.argv[1], (r) => r.resume()).on('error', (e) => { throw e })",
    url,
  ],
  'python httpx': (url) => [
    '/usr/bin/python3',
    '-c',
    'import httpx, sys; httpx.get(sys.argv[1]).raise_for_status()',
    url,
  ],
  'python requests': (url) => [
    '/usr/bin/python3',
    '-c',
    'import requests, sys; requests.get(sys.argv[1], timeout=10).raise_for_status()',
    url,
  ],
}

export type Runner = (argv: string[], env: Record<string, string>) => Promise<SandboxResult>

export interface ClientOutcome {
  client: string
  ok: boolean
  output: string
}

export async function tryClients(run: Runner, url: string, env: Record<string, string>, only?: string[]) {
  const outcomes: ClientOutcome[] = []
  for (const [client, argv] of Object.entries(CLIENTS)) {
    if (only && !only.includes(client)) continue
    const result = await run(argv(url), env)
    outcomes.push({
      client,
      ok: result.exitCode === 0,
      output: `${result.stdout}\n${result.stderr}`.trim().slice(-400),
    })
  }

  return outcomes
}

/** Turns outcomes into "client: ok|FAIL" lines, so a failing assertion shows every client's result at once. */
export function summary(outcomes: ClientOutcome[]): string[] {
  return outcomes.map(
    ({client, ok, output}) => `${client}: ${ok ? 'ok' : `FAIL ${output.split('\n').at(-1)}`}`,
  )
}

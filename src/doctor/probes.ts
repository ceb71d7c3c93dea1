import {exec} from '../system/exec.js'

/** One client's attempt at a verified TLS request, with the error it reported when it failed. */
export interface ProbeResult {
  client: string
  /** The client's own error code or reason, e.g. SELF_SIGNED_CERT_IN_CHAIN, CERTIFICATE_VERIFY_FAILED. */
  code?: string
  installed: boolean
  message: string
  ok: boolean
}

export interface Probe {
  argv(url: string): string[]
  client: string
  /** Maps the raw output of a failed run to a code and a one-line message. */
  explain(output: string): {code?: string; message: string}
}

const NODE_SCRIPT = `
const [mode, url] = process.argv.slice(1)
const fail = (e) => { const c = e.cause ?? e; console.log(JSON.stringify({code: c.code, message: c.message})); process.exit(1) }
if (mode === 'fetch') fetch(url).then((r) => console.log(r.status), fail)
else require('node:https').get(url, (r) => { r.resume(); console.log(r.statusCode) }).on('error', fail)
`

const PYTHON_SCRIPT = `
import json, sys
lib, url = sys.argv[1], sys.argv[2]
try:
    mod = __import__(lib)
except ImportError:
    print(json.dumps({"missing": lib})); sys.exit(3)
try:
    r = mod.get(url, timeout=10)
    print(r.status_code)
except Exception as e:
    print(json.dumps({"code": type(e).__name__, "message": str(e)})); sys.exit(1)
`

/** The python3 on PATH may be a pyenv or venv without the library; the system one often has it. */
export const PYTHON_CANDIDATES: readonly string[] = ['python3', '/usr/bin/python3']

export function nodeProbe(mode: 'fetch' | 'https', node = process.execPath): Probe {
  return {
    argv: (url) => [node, '-e', NODE_SCRIPT, mode, url],
    client: `node ${mode}`,
    explain: (output) => fromJson(output),
  }
}

export function pythonProbe(library: 'httpx' | 'requests', python = 'python3'): Probe {
  return {
    argv: (url) => [python, '-c', PYTHON_SCRIPT, library, url],
    client: `python ${library}`,
    explain(output) {
      const parsed = fromJson(output)
      const reason = /\[SSL: ([A-Z_]+)\] ([^(]+?)\s*\(_ssl/.exec(parsed.message)
      if (reason) return {code: reason[1], message: reason[2].trim()}
      // Older urllib3 checks the name itself: CertificateError("hostname 'x' doesn't match 'y'")
      const name = /CertificateError\(["'](.+?)["']\)/.exec(parsed.message)
      return name ? {code: 'CertificateError', message: name[1]} : parsed
    },
  }
}

export function curlProbe(curl = 'curl'): Probe {
  return {
    // --disable first: a ~/.curlrc with `insecure` must not turn a failed verification into a success.
    argv: (url) => [
      curl,
      '--disable',
      '--silent',
      '--show-error',
      '--output',
      '/dev/null',
      '--write-out',
      '%{http_code}',
      url,
    ],
    client: 'curl',
    explain(output) {
      const match = /curl: \((\d+)\) (.*)/.exec(output)
      return match ? {code: `curl ${match[1]}`, message: match[2].trim()} : {message: output.trim()}
    },
  }
}

export async function runProbe(
  probe: Probe,
  url: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 20_000,
): Promise<ProbeResult> {
  const result = await exec(probe.argv(url), {env, extendEnv: false, timeoutMs})
  if (result.missing || result.exitCode === 3) {
    return {client: probe.client, installed: false, message: 'not installed', ok: false}
  }

  if (!result.failed)
    return {
      client: probe.client,
      installed: true,
      message: `verified (HTTP ${result.stdout.trim()})`,
      ok: true,
    }
  const explained = result.timedOut
    ? {message: 'timed out'}
    : probe.explain(`${result.stdout}\n${result.stderr}`.trim())
  return {client: probe.client, installed: true, ok: false, ...explained}
}

function fromJson(output: string): {code?: string; message: string} {
  const line = output.split('\n').find((l) => l.startsWith('{'))
  if (!line) return {message: output.split('\n')[0] ?? 'failed'}
  const parsed = JSON.parse(line) as {code?: string; message?: string}
  return {code: parsed.code, message: (parsed.message ?? '').split('\n')[0]}
}

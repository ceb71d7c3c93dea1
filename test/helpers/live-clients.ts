import {execa} from 'execa'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {CLIENTS} from './clients.js'

/** The probe package the gateway's simple index serves to pip. */
export const PROBE_PACKAGE = 'devcerts-probe'

const RUBY = `
require 'net/http'
uri = URI(ARGV[0])
Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |http| http.get('/').value }
`

/**
 * A dozen real clients, each as argv for one verified request to the gateway at `url`, in a scratch dir of
 * its own. None is ever told to skip verification; each finds its roots only where dev-certs puts them.
 */
export function liveClients(scratch: string): Record<string, (url: string) => string[]> {
  return {
    ...CLIENTS,
    npm: (url) => ['npm', 'ping', '--registry', url],
    'openssl s_client': (url) => {
      const {hostname, port} = new URL(url)
      return [
        'openssl',
        's_client',
        '-connect',
        `${hostname}:${port}`,
        '-verify_return_error',
        '-verify_ip',
        hostname,
      ]
    },
    pip: (url) => [
      '/usr/bin/python3',
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--no-cache-dir',
      '--disable-pip-version-check',
      // One try: pip retries a failed handshake five times with back-off by default.
      '--retries',
      '0',
      '--dest',
      join(scratch, 'pip'),
      '--index-url',
      `${url}simple/`,
      PROBE_PACKAGE,
    ],
    'python urllib': (url) => [
      '/usr/bin/python3',
      '-c',
      'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10).read()',
      url,
    ],
    'python urllib3': (url) => [
      '/usr/bin/python3',
      '-c',
      'import sys, urllib3; r = urllib3.PoolManager().request("GET", sys.argv[1]); assert r.status == 200',
      url,
    ],
    'ruby net/http': (url) => ['ruby', '-e', RUBY, url],
    wget: (url) => ['wget', '--quiet', '--no-hsts', '--tries=1', '--output-document=/dev/null', url],
  }
}

/**
 * Lays out what the gateway serves beyond the git repo: a PEP 503 simple index with one real wheel (built
 * with the stdlib zipfile, so pip can read its metadata), and npm's `/-/ping`.
 */
export async function addServedIndex(served: string): Promise<void> {
  const wheelName = 'devcerts_probe-1.0-py3-none-any.whl'
  await mkdir(join(served, 'simple', PROBE_PACKAGE), {recursive: true})
  await mkdir(join(served, 'packages'), {recursive: true})
  await mkdir(join(served, '-'), {recursive: true})
  await writeFile(join(served, '-', 'ping'), '{}\n')
  await writeFile(
    join(served, 'simple', 'index.html'),
    `<!DOCTYPE html><html><body><a href="${PROBE_PACKAGE}/">${PROBE_PACKAGE}</a></body></html>\n`,
  )
  await writeFile(
    join(served, 'simple', PROBE_PACKAGE, 'index.html'),
    `<!DOCTYPE html><html><body><a href="../../packages/${wheelName}">${wheelName}</a></body></html>\n`,
  )
  const build = `
import sys, zipfile
info = "devcerts_probe-1.0.dist-info/"
files = {
    "devcerts_probe/__init__.py": "",
    info + "METADATA": "Metadata-Version: 2.1\\nName: devcerts-probe\\nVersion: 1.0\\n",
    info + "WHEEL": "Wheel-Version: 1.0\\nGenerator: dev-certs-test\\nRoot-Is-Purelib: true\\n"
    + "Tag: py3-none-any\\n",
}
files[info + "RECORD"] = "".join(name + ",,\\n" for name in files) + info + "RECORD,,\\n"
with zipfile.ZipFile(sys.argv[1], "w") as wheel:
    for name, text in files.items():
        wheel.writestr(name, text)
`
  await execa('/usr/bin/python3', ['-c', build, join(served, 'packages', wheelName)])
}

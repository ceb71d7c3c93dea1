import {createHash} from 'node:crypto'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'dotenv'

import {
  curlProbe,
  nodeProbe,
  type Probe,
  type ProbeResult,
  PYTHON_CANDIDATES,
  pythonProbe,
  runProbe,
} from '../doctor/probes.js'
import {exec} from '../system/exec.js'
import {runSetup} from '../plan/setup-run.js'
import {startGateway} from './gateway.js'
import {makeLeaf, makeRootCa} from './pki.js'

export interface DemoReport {
  clients: Array<{after: ProbeResult; before: ProbeResult; client: string}>
  gateway: string
  ok: boolean
  tempDir: string
}

/**
 * The embedded demo: a throwaway CA, a gateway on 127.0.0.1 that uses it, a project pinned to it, then setup
 * with --no-system into a temp DEV_CERTS_HOME. Each client is tried before and after. Touches nothing outside
 * its temp dir, needs no admin rights, and cleans up unless asked to keep it.
 */
export async function runDemo(options: {
  keep: boolean
  progress: (line: string) => void
}): Promise<DemoReport> {
  const tempDir = await mkdtemp(join(tmpdir(), 'dev-certs-demo-'))
  const say = options.progress
  say(`temp dir ${tempDir}`)
  say('generating a throwaway root CA and a gateway certificate signed by it')
  const root = makeRootCa({commonName: 'dev-certs Demo Team Root CA'})
  const leaf = makeLeaf(root, {hosts: ['localhost', '127.0.0.1']})
  const gateway = await startGateway({chainPem: leaf.certPem + root.certPem, keyPem: leaf.keyPem})
  try {
    say(`gateway listening on ${gateway.url}`)
    const project = join(tempDir, 'project')
    const pin = `SHA256:${createHash('sha256').update(root.der).digest('hex').toUpperCase()}`
    const config = {
      authorities: [
        {
          fingerprints: [pin],
          hosts: [gateway.url],
          name: 'demo-gateway',
          source: `tls://127.0.0.1:${gateway.port}`,
        },
      ],
      env: {file: '.env'},
    }
    await exec(['mkdir', '-p', project])
    await writeFile(join(project, '.devcerts.json'), JSON.stringify(config, null, 2) + '\n')
    say(`wrote ${join(project, '.devcerts.json')} pinned to ${pin.slice(0, 30)}…`)

    const probes = await availableProbes()
    const before = await Promise.all(probes.map((probe) => runProbe(probe, gateway.url, process.env)))
    const env = {...process.env, DEV_CERTS_HOME: join(tempDir, 'home')}
    say('running `dev certs setup --no-system` in the project')
    await runSetup({
      cwd: project,
      dataDir: tempDir,
      dryRun: false,
      env,
      interactive: false,
      progress: (line) => say(`  ${line}`),
      shellProfile: false,
      system: false,
    })
    const written = parse(await readFile(join(project, '.env')))
    const after = await Promise.all(
      probes.map((probe) => runProbe(probe, gateway.url, {...process.env, ...written})),
    )
    const clients = probes.map((probe, i) => ({after: after[i], before: before[i], client: probe.client}))
    const ok = clients.every(({after}) => after.ok || !after.installed)
    return {clients, gateway: gateway.url, ok, tempDir}
  } finally {
    await gateway.close()
    if (!options.keep) await rm(tempDir, {force: true, recursive: true})
  }
}

/** Node always; Python (requests, httpx) and curl when this machine has them. */
async function availableProbes(): Promise<Probe[]> {
  const probes: Probe[] = [nodeProbe('https'), nodeProbe('fetch')]
  for (const library of ['requests', 'httpx'] as const) {
    const python = await pythonWith(library)
    if (python) probes.push(pythonProbe(library, python))
  }

  if (!(await exec(['curl', '--version'])).failed) probes.push(curlProbe())
  return probes
}

/** The first interpreter that has the library, so "before" and "after" run the same Python. */
async function pythonWith(library: string): Promise<string | undefined> {
  for (const python of PYTHON_CANDIDATES) {
    if (!(await exec([python, '-c', `import ${library}`])).failed) return python
  }

  return undefined
}

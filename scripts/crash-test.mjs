#!/usr/bin/env node
// Kills `dev certs setup` with SIGKILL at random points, then checks that every file is either its old or its
// new version (never truncated), that the next setup repairs everything, and that uninstall restores the .env.
// Usage: node scripts/crash-test.mjs [--iterations 50] [--seed 1]   (needs `npm run build` first)
import {spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {makeRootCa} from '../lib/demo/pki.js'

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 ? fallback : Number(process.argv[at + 1])
}

const iterations = arg('iterations', 50)
let seed = arg('seed', Date.now() % 100_000)
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))

const dir = mkdtempSync(join(tmpdir(), 'dev-certs-crash-'))
const home = join(dir, 'home')
mkdirSync(join(dir, 'certs'))
const root = makeRootCa({commonName: 'Crash Test Root'})
writeFileSync(join(dir, 'certs', 'root.pem'), root.certPem)
const pin = createHash('sha256').update(root.der).digest('hex')
writeFileSync(
  join(dir, '.devcerts.json'),
  JSON.stringify({authorities: [{fingerprints: [pin], name: 'team', source: 'file:certs/root.pem'}]}),
)
const original = Buffer.from('\uFEFFA=1\r\nB="two words"\r\nC=3')
const envFile = join(dir, '.env')
writeFileSync(envFile, original)
const env = {DEV_CERTS_HOME: home, HOME: dir, PATH: process.env.PATH}
const run = (command) =>
  spawnSync(process.execPath, [bin, 'certs', command, ...(command === 'setup' ? ['--no-system'] : [])], {
    cwd: dir,
    env,
  })
const tracked = [
  envFile,
  ...['state.json', 'team-ca.pem', 'bundle.pem', 'env.sh'].map((name) => join(home, name)),
]
const read = (path) => {
  try {
    return readFileSync(path)
  } catch {
    return undefined
  }
}

const started = Date.now()
if (run('setup').status !== 0) throw new Error('reference setup failed')
const duration = Date.now() - started
const final = new Map(tracked.map((path) => [path, read(path)]))
if (run('uninstall').status !== 0 || !read(envFile)?.equals(original))
  throw new Error('reference uninstall failed')

let violations = 0
let partial = 0
for (let i = 0; i < iterations; i++) {
  // Half the kills land at a random time; the other half right after the k-th file write (seen through
  // DEBUG), plus up to 3 ms, which is where a non-atomic writer would leave a truncated file.
  const child = spawn(process.execPath, [bin, 'certs', 'setup', '--no-system'], {
    cwd: dir,
    env: {...env, DEBUG: 'dev-certs:fs'},
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const byWrite = i % 2 === 1
  const delay = byWrite ? Math.floor(random() * 4) : Math.floor(duration * (0.5 + 0.7 * random()))
  const killAfter = Math.floor(random() * tracked.length)
  let writes = 0
  let timer = byWrite ? undefined : setTimeout(() => child.kill('SIGKILL'), delay)
  child.stderr.on('data', (chunk) => {
    writes += (chunk.toString().match(/dev-certs:fs wrote/g) ?? []).length
    if (byWrite && writes > killAfter && !timer) timer = setTimeout(() => child.kill('SIGKILL'), delay)
  })
  await new Promise((resolve) => child.once('exit', resolve))
  clearTimeout(timer)
  let newer = 0
  for (const path of tracked) {
    const now = read(path)
    const old = path === envFile ? original : undefined
    const isOld = old === undefined ? now === undefined : now?.equals(old)
    const isNew = now !== undefined && now.equals(final.get(path))
    if (isNew) newer++
    if (!isOld && !isNew) {
      violations++
      const when = byWrite ? `${delay} ms after write ${killAfter + 1}` : `at ${delay} ms`
      console.error(`iteration ${i} (kill ${when}): ${path} is neither old nor new (${now?.length} bytes)`)
    }
  }

  if (newer > 0 && newer < tracked.length) partial++
  const repair = run('setup')
  if (repair.status !== 0)
    console.error(`iteration ${i}: the next setup said: ${String(repair.stderr).trim()}`)
  for (const path of tracked) {
    if (repair.status !== 0 || !read(path)?.equals(final.get(path))) {
      violations++
      console.error(`iteration ${i}: the next setup did not repair ${path} (exit ${repair.status})`)
    }
  }

  const litter = [...readdirSync(dir), ...readdirSync(home)].filter(
    (name) => name.endsWith('.tmp') || name === '.lock',
  )
  if (litter.length > 0) {
    violations++
    console.error(`iteration ${i}: left behind ${litter.join(', ')}`)
  }

  if (run('uninstall').status !== 0 || !read(envFile)?.equals(original)) {
    violations++
    console.error(`iteration ${i}: uninstall did not restore the .env`)
  }
}

rmSync(dir, {force: true, recursive: true})
console.log(
  `crash test: ${iterations} SIGKILLs (setup takes ${duration} ms), ${partial} left a mix of old and new files, ${violations} violations`,
)
process.exit(violations === 0 ? 0 : 1)

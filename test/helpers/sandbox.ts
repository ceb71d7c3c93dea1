import {execa, type ResultPromise} from 'execa'
import {execFile} from 'node:child_process'
import {cp, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, relative} from 'node:path'
import {promisify} from 'node:util'
import {fileURLToPath} from 'node:url'

const INIT = fileURLToPath(new URL('sandbox-init.sh', import.meta.url))

/**
 * A private mount namespace where /etc/ssl, /usr/local/share/ca-certificates and /etc/ca-certificates.conf
 * are temp copies: the real update-ca-certificates runs there for real, and the machine's store is untouched.
 */
export interface Sandbox {
  /** Runs argv inside the namespace, with exactly `env`. */
  run(argv: string[], options?: {cwd?: string; env?: Record<string, string>}): Promise<SandboxResult>
  root: string
  stop(): Promise<void>
}

export interface SandboxResult {
  exitCode: number | undefined
  stderr: string
  stdout: string
}

/** Why namespace tests cannot run here, or undefined when they can. */
export async function sandboxUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'mount namespaces are Linux-only'
  if (process.getuid?.() !== 0) return 'binding over /etc/ssl in a mount namespace needs root'
  const probe = await execa('unshare', ['-m', 'true'], {reject: false})
  if (probe.failed) return `unshare -m is not available here: ${probe.stderr || probe.shortMessage}`
  const tool = await execa('test', ['-x', '/usr/sbin/update-ca-certificates'], {reject: false})
  if (tool.failed) return 'update-ca-certificates is not installed (apt-get install ca-certificates)'
  return undefined
}

export interface SandboxOptions {
  /**
   * Directories to overlay (e.g. /etc, /usr/sbin): the namespace sees the real content, and every write
   * lands in a temp upper directory. That is how a path the machine lacks (/etc/pki) exists in the sandbox
   * only, and how a fake refresh tool shadows a real one.
   */
  overlays?: string[]
  /**
   * Names of files in the sandbox's (otherwise empty) /etc/ca-certificates/update.d, e.g. jks-keystore.
   * They are empty and not executable, so run-parts never runs them.
   */
  hooks?: string[]
  /** Files placed in the overlays before they are mounted; `null` hides a real file (an overlay whiteout). */
  seed?: Record<string, null | {content: Buffer | string; mode?: number}>
}

/** Where the overlay of `dir` keeps its writes, on the host: read results there. */
export function upperDir(sandbox: Sandbox, dir: string): string {
  return join(sandbox.root, 'ovl', slug(dir), 'upper')
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'dev-certs-sandbox-'))
  const overlays = options.overlays ?? []
  for (const dir of overlays) {
    await mkdir(join(root, 'ovl', slug(dir), 'work'), {recursive: true})
    await mkdir(join(root, 'ovl', slug(dir), 'upper'))
    await writeFile(join(root, 'ovl', slug(dir), 'upper', '.dev-certs-sandbox'), '')
  }

  for (const [path, file] of Object.entries(options.seed ?? {})) {
    const dir = overlays.find((d) => path.startsWith(`${d}/`))
    if (!dir) throw new Error(`seed ${path} is under no overlay (${overlays.join(', ')})`)
    const target = join(root, 'ovl', slug(dir), 'upper', relative(dir, path))
    await mkdir(dirname(target), {recursive: true})
    if (file === null) await promisify(execFile)('mknod', [target, 'c', '0', '0'])
    else await writeFile(target, file.content, {mode: file.mode ?? 0o644})
  }

  await writeFile(join(root, 'overlays'), overlays.map((dir) => `${dir} ${slug(dir)}\n`).join(''))
  await cp('/etc/ssl', join(root, 'etc-ssl'), {
    preserveTimestamps: true,
    recursive: true,
    verbatimSymlinks: true,
  })
  await cp('/usr/local/share/ca-certificates', join(root, 'local-ca'), {
    recursive: true,
    verbatimSymlinks: true,
  })
  await cp('/etc/ca-certificates.conf', join(root, 'ca-certificates.conf'))
  await mkdir(join(root, 'update.d'))
  for (const hook of options.hooks ?? []) await writeFile(join(root, 'update.d', hook), '', {mode: 0o644})
  await writeFile(join(root, 'etc-ssl', '.dev-certs-sandbox'), '')
  await writeFile(join(root, 'local-ca', '.dev-certs-sandbox'), '')
  const holder: ResultPromise = execa('unshare', ['-m', '--propagation', 'private', 'sh', INIT, root], {
    reject: false,
    stdin: 'ignore',
  })
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())
    holder.then((result) => reject(new Error(`sandbox did not start: ${result.stderr}`)), reject)
  })
  const pid = holder.pid!

  return {
    async run(argv, options = {}) {
      const wd = options.cwd ? [`--wd=${options.cwd}`] : []
      const result = await execa('nsenter', ['-t', String(pid), '-m', ...wd, '--', ...argv], {
        env: options.env ?? {PATH: '/usr/sbin:/usr/bin:/sbin:/bin'},
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
      })
      return {exitCode: result.exitCode, stderr: String(result.stderr), stdout: String(result.stdout)}
    },
    root,
    async stop() {
      holder.kill('SIGKILL')
      await holder.catch(() => undefined)
      await rm(root, {force: true, recursive: true})
    },
  }
}

function slug(dir: string): string {
  return dir.replaceAll('/', '_')
}

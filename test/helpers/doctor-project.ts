import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type DoctorOptions} from '../../src/doctor/context.js'
import {type CheckId, type Finding} from '../../src/doctor/finding.js'
import {type DoctorReport, type FindingJson} from '../../src/doctor/report.js'
import {runDoctor} from '../../src/doctor/run-doctor.js'
import {runSetup} from '../../src/plan/setup-run.js'
import {cleanEnv} from './cli.js'
import {type Issued, pinOf} from './pki.js'

/**
 * A project pinned to `root` (a file source in the repo, so no network is needed to set it up), set up with
 * `setup --no-system --shell-profile` into temp dirs: its own HOME, DEV_CERTS_HOME and .env.
 */
export interface DoctorProject {
  /** The env of a shell that sourced env.sh, as a set-up user's new shell has. */
  shellEnv: Record<string, string>
  /** The env before any dev-certs variable: a shell that was open before setup. */
  bareEnv: Record<string, string>
  certsHome: string
  cleanup(): Promise<void>
  dir: string
  doctor(options?: Partial<DoctorOptions>): Promise<{findings: Finding[]; report: DoctorReport}>
  project: string
  userHome: string
}

export async function makeDoctorProject(options: {
  /** Writes user files (a .env, a profile) before setup runs, as they were on the machine. */
  before?: (dirs: {project: string; userHome: string}) => Promise<void>
  /** The name of DEV_CERTS_HOME inside the temp dir (a space in it tests quoting). */
  certsHomeName?: string
  /** More variables for setup and the doctor (DEV_CERTS_OS_BUNDLE, GIT_CONFIG_NOSYSTEM…). */
  env?: Record<string, string>
  hosts?: string[]
  root: Issued
  /** Extra certificates in the source file after the root (an intermediate the gateway forgets to send). */
  sourceExtra?: Issued[]
  setup?: boolean
}): Promise<DoctorProject> {
  const dir = await mkdtemp(join(tmpdir(), 'dev-certs-doctor-'))
  const project = join(dir, 'project')
  const userHome = join(dir, 'user')
  const certsHome = join(dir, options.certsHomeName ?? 'certs')
  await mkdir(join(project, 'certs'), {recursive: true})
  await mkdir(userHome)
  const source = [options.root, ...(options.sourceExtra ?? [])].map((issued) => issued.certPem).join('')
  await writeFile(join(project, 'certs', 'team-root.pem'), source)
  const config = {
    authorities: [
      {
        fingerprints: [pinOf(options.root.der)],
        hosts: options.hosts ?? [],
        name: 'team',
        source: 'file:certs/team-root.pem',
      },
    ],
  }
  await writeFile(join(project, '.devcerts.json'), JSON.stringify(config, null, 2))
  await options.before?.({project, userHome})
  const bareEnv = cleanEnv({DEV_CERTS_HOME: certsHome, HOME: userHome, SHELL: '/bin/bash', ...options.env})
  if (options.setup !== false) {
    await runSetup({
      cwd: project,
      dataDir: dir,
      dryRun: false,
      env: bareEnv,
      interactive: false,
      progress: () => undefined,
      shellProfile: true,
      system: false,
    })
  }

  const envSh = await readFile(join(certsHome, 'env.sh'), 'utf8').catch(() => '')
  const exported = Object.fromEntries(
    [...envSh.matchAll(/^export (\w+)='([^']*)'$/gm)].map(([, name, value]) => [name, value]),
  )
  const shellEnv = {...bareEnv, ...exported}
  return {
    bareEnv,
    certsHome,
    cleanup: () => rm(dir, {force: true, recursive: true}),
    dir,
    doctor: (extra = {}) => runDoctor({cwd: project, dataDir: dir, env: shellEnv, offline: false, ...extra}),
    project,
    shellEnv,
    userHome,
  }
}

/** The findings of one check, as --json shows them. */
export function checkOf(report: DoctorReport, id: CheckId): FindingJson[] {
  return report.checks.find((check) => check.id === id)!.findings
}

/** Only what is wrong, so an assertion failure shows every problem at once. */
export function problems(findings: FindingJson[]): string[] {
  return findings.filter((f) => f.status !== 'ok').map((f) => `${f.status} ${f.summary}`)
}

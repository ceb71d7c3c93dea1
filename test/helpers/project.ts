import {chown, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type Issued, makeRootCa, pinOf} from './pki.js'

export interface Project {
  dir: string
  /** DEV_CERTS_HOME for this project's runs. */
  home: string
  root: Issued
}

let sharedRoot: Issued | undefined
const made: string[] = []

/** Removes every project made so far (call from afterAll). */
export async function removeProjects(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, {force: true, recursive: true})
}

/** A temp project pinned to a root CA kept as a file in the repo (no network needed). */
export async function makeProject(
  options: {envFile?: string; owner?: number; parent?: string} = {},
): Promise<Project> {
  sharedRoot ??= makeRootCa({commonName: 'Test Team Root CA'})
  const dir = await mkdtemp(join(options.parent ?? tmpdir(), 'dev-certs-project-'))
  made.push(dir)
  await mkdir(join(dir, 'certs'))
  await writeFile(join(dir, 'certs', 'root.pem'), sharedRoot.certPem)
  const config = {
    authorities: [{fingerprints: [pinOf(sharedRoot.der)], name: 'team', source: 'file:certs/root.pem'}],
    ...(options.envFile ? {env: {file: options.envFile}} : {}),
  }
  await writeFile(join(dir, '.devcerts.json'), JSON.stringify(config, null, 2))
  if (options.owner !== undefined) {
    for (const path of [dir, join(dir, 'certs')]) await chown(path, options.owner, options.owner)
  }

  return {dir, home: join(dir, 'home'), root: sharedRoot}
}

import {createHash} from 'node:crypto'

import {renderBundleWith} from '../bundle/bundle.js'
import {readOsRoots} from '../bundle/os-roots.js'
import {DevCertsError} from '../system/errors.js'
import {readIfExists} from '../system/files.js'
import {type HomePaths} from '../system/paths.js'
import {refuseForeign} from './generated.js'
import {type Step} from './step.js'

export interface RefreshPlan {
  /** Content hashes (SHA-256) of the bundle on disk and of the one the current roots give. */
  hashes: {current?: string; wanted: string}
  roots: {count: number; origin: string}
  steps: Step[]
}

/**
 * Rebuilds the combined bundle at its fixed path from today's OS roots and the team CAs setup trusted
 * (team-ca.pem), after a ca-certificates update for example. Equal hashes mean no step at all, so nothing is
 * rewritten. New team CAs come through `setup`, which acquires and pin-checks them.
 */
export async function planRefresh(
  paths: HomePaths,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RefreshPlan> {
  const teamCa = await readIfExists(paths.teamCa)
  if (!teamCa) {
    throw new DevCertsError(
      'NOT_SET_UP',
      `There is no ${paths.teamCa}: dev-certs is not set up for this user.`,
      {
        fix: 'Run `dev certs setup` first (refresh only rebuilds what setup wrote).',
      },
    )
  }

  await refuseForeign(paths.bundle)
  const roots = await readOsRoots(env)
  const wanted = renderBundleWith(roots, teamCa.toString('utf8'))
  const current = await readIfExists(paths.bundle)
  const hashes = {current: current && sha256(current), wanted: sha256(Buffer.from(wanted))}
  const steps: Step[] =
    hashes.current === hashes.wanted
      ? []
      : [
          {
            admin: false,
            content: wanted,
            kind: 'write',
            mode: 0o644,
            path: paths.bundle,
            why: 'public roots changed',
          },
        ]
  return {hashes, roots: {count: roots.blocks.length, origin: roots.origin}, steps}
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

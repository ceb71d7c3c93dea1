import {readFile} from 'node:fs/promises'
import {resolve} from 'node:path'

import {DevCertsError} from '../system/errors.js'
import {logger} from '../system/log.js'
import {locateConfig} from './locate.js'
import {parseTeamConfig} from './parse.js'
import {CONFIG_FILE, type TeamConfig} from './team-config.js'

const log = logger('config')

/** Finds `.devcerts.json` by searching up from `cwd`; returns undefined when there is none. */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
  const found = await locateConfig(cwd)
  log(found ? `found ${found}` : `no ${CONFIG_FILE} above ${cwd}`)
  return found
}

export async function loadTeamConfig(options: {configFile?: string; cwd: string}): Promise<TeamConfig> {
  const path = options.configFile
    ? resolve(options.cwd, options.configFile)
    : await findConfigFile(options.cwd)
  if (!path) {
    throw new DevCertsError(
      'NO_CONFIG',
      `No ${CONFIG_FILE} found in ${options.cwd} or any parent directory.`,
      {
        fix: `Create ${CONFIG_FILE} at the project root (see the README), or pass --config FILE.`,
      },
    )
  }

  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const what = options.configFile
      ? 'the path given to --config'
      : `${path}: it must be a readable JSON file`
    throw new DevCertsError('NO_CONFIG', `Cannot read the config ${path}: ${(error as Error).message}.`, {
      fix: `Check ${what}.`,
    })
  }

  return parseTeamConfig(text, path)
}

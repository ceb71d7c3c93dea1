import {logger} from '../system/log.js'
import {readOsRelease} from '../system/platform.js'
import {debianStore} from './debian.js'
import {type TrustStore} from './trust-store.js'

const log = logger('store')

const DEBIAN_FAMILY = [
  'debian',
  'ubuntu',
  'linuxmint',
  'pop',
  'raspbian',
  'kali',
  'elementary',
  'zorin',
  'neon',
]

export type Detection = {reason: string; store: TrustStore} | {reason: string; store: undefined}

/** The family comes from os-release ID and ID_LIKE, never from which directories happen to exist. */
export function detectStore(platform: NodeJS.Platform = process.platform): Detection {
  if (platform !== 'linux')
    return {reason: `the ${platform} trust store is not supported yet`, store: undefined}
  const release = readOsRelease()
  if (!release) return {reason: 'no /etc/os-release, so the Linux family is unknown', store: undefined}
  const ids = [release.id, ...release.idLike]
  const family = ids.find((id) => DEBIAN_FAMILY.includes(id))
  if (family) {
    const reason = `${release.prettyName}: os-release ${family === release.id ? 'ID' : 'ID_LIKE'}=${family}`
    log('store debian (%s)', reason)
    return {reason, store: debianStore()}
  }

  return {reason: `${release.prettyName} (ID=${release.id}) is not supported yet`, store: undefined}
}

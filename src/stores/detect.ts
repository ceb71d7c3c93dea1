import {STORE_NAMES} from '../config/team-config.js'
import {DevCertsError} from '../system/errors.js'
import {logger} from '../system/log.js'
import {readOsRelease} from '../system/platform.js'
import {alpineStore} from './alpine.js'
import {archStore} from './arch.js'
import {debianStore} from './debian.js'
import {linuxFamily} from './family.js'
import {javaStore} from './java.js'
import {macosStore} from './macos.js'
import {nixosStore} from './nixos.js'
import {nssStore} from './nss.js'
import {rhelStore} from './rhel.js'
import {suseStore} from './suse.js'
import {type StoreContext, type TrustStore} from './trust-store.js'
import {windowsScope, windowsStore} from './windows.js'

const log = logger('store')

const LINUX_STORES: Record<string, () => TrustStore> = {
  alpine: alpineStore,
  arch: archStore,
  debian: debianStore,
  nixos: nixosStore,
  rhel: rhelStore,
  suse: suseStore,
}

export type Detection = {reason: string; store: TrustStore} | {reason: string; store: undefined}

export interface DetectOptions {
  /** `--store` or config `system.store`: skips detection. */
  override?: {from: string; name: string}
  /** macOS: the admin domain and System keychain instead of the user's login keychain. */
  systemWide?: boolean
}

/** The family comes from os-release ID and ID_LIKE, never from which directories happen to exist. */
export async function detectStore(context: StoreContext, options: DetectOptions = {}): Promise<Detection> {
  if (options.override) {
    const {from, name} = options.override
    const store = await storeNamed(name, context, options)
    log('store %s (%s)', store.id, from)
    return {reason: `chosen by ${from}`, store}
  }

  if (context.platform === 'darwin' || context.platform === 'win32') {
    const store = await storeNamed(context.platform === 'darwin' ? 'macos' : 'windows', context, options)
    return {reason: `running on ${context.platform}`, store}
  }

  if (context.platform !== 'linux')
    return {reason: `the ${context.platform} trust store is not supported yet`, store: undefined}
  const release = readOsRelease()
  if (!release) return {reason: 'no /etc/os-release, so the Linux family is unknown', store: undefined}
  const match = linuxFamily(release)
  if (!match)
    return {
      reason: `${release.prettyName} (ID=${release.id}) is not a supported family; use --store to pick one`,
      store: undefined,
    }
  const reason = `${release.prettyName}: os-release ${match.key}=${match.id}`
  log('store %s (%s)', match.family, reason)
  return {reason, store: LINUX_STORES[match.family]()}
}

async function storeNamed(name: string, context: StoreContext, options: DetectOptions): Promise<TrustStore> {
  if (name in LINUX_STORES) return LINUX_STORES[name]()
  if (name === 'macos') return macosStore(context, {systemWide: Boolean(options.systemWide)})
  if (name === 'windows') return windowsStore(context)
  throw new DevCertsError('UNKNOWN_STORE', `"${name}" is not a trust store dev-certs knows.`, {
    fix: `Use one of: ${STORE_NAMES.join(', ')}.`,
  })
}

/** The store a state record names, for uninstall: the scope it was installed with, not today's. */
export function storeById(id: string, context: StoreContext): TrustStore | undefined {
  if (id in LINUX_STORES) return LINUX_STORES[id]()
  if (id === 'nss') return nssStore(context)
  if (id === 'java') return javaStore(context)
  if (id === 'macos-user' || id === 'macos-system')
    return macosStore(context, {systemWide: id === 'macos-system'})
  if (id === 'windows-user' || id === 'windows-machine')
    return windowsScope(context, id === 'windows-machine' ? 'machine' : 'user')
  return undefined
}

import {type OsRelease} from '../system/platform.js'

/**
 * os-release ID / ID_LIKE values → store. ID is matched before ID_LIKE, so Ubuntu (ID_LIKE=debian) is
 * Debian and Amazon Linux (ID_LIKE="centos rhel fedora") is RHEL, whatever directories happen to exist.
 */
export const LINUX_FAMILIES: Record<string, string[]> = {
  alpine: ['alpine'],
  arch: ['arch', 'archarm', 'manjaro', 'endeavouros', 'garuda', 'artix'],
  debian: ['debian', 'ubuntu', 'linuxmint', 'pop', 'raspbian', 'kali', 'elementary', 'zorin', 'neon'],
  nixos: ['nixos'],
  rhel: ['rhel', 'fedora', 'centos', 'rocky', 'almalinux', 'amzn', 'ol'],
  suse: ['suse', 'opensuse', 'sles', 'opensuse-leap', 'opensuse-tumbleweed', 'sled'],
}

/** ID first, then each ID_LIKE token in order (the most specific parent first, as os-release lists them). */
export function linuxFamily(release: OsRelease): {family: string; id: string; key: string} | undefined {
  for (const [key, ids] of [
    ['ID', [release.id]],
    ['ID_LIKE', release.idLike],
  ] as const) {
    for (const id of ids) {
      const family = Object.keys(LINUX_FAMILIES).find((name) => LINUX_FAMILIES[name].includes(id))
      if (family) return {family, id, key}
    }
  }

  return undefined
}

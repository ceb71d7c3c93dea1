import {anchorDirStore, type LinuxFamily} from './anchor-dir.js'
import {type TrustStore} from './trust-store.js'

/**
 * Alpine: PEM *.crt files directly in /usr/local/share/ca-certificates (no subdirectory), rebuilt into
 * /etc/ssl/certs/ca-certificates.crt by update-ca-certificates. Base images ship only ca-certificates-bundle,
 * which has the bundle but not the tool, so a missing tool is the common case and gets its own fix.
 */
export const ALPINE: LinuxFamily = {
  anchorDir: '/usr/local/share/ca-certificates',
  bundle: '/etc/ssl/certs/ca-certificates.crt',
  extension: '.crt',
  id: 'alpine',
  install:
    'Install the tool with `apk add ca-certificates` (base images ship only ca-certificates-bundle, which ' +
    'lacks it; as root or with doas)',
  name: 'Alpine system store',
  prefix: 'dev-certs-',
  refresh: [['update-ca-certificates']],
}

export function alpineStore(): TrustStore {
  return anchorDirStore(ALPINE)
}

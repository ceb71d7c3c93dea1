import {anchorDirStore, type LinuxFamily} from './anchor-dir.js'
import {type TrustStore} from './trust-store.js'

/**
 * Debian, Ubuntu, Mint and their kin. update-ca-certificates reads only PEM files named *.crt under
 * /usr/local/share/ca-certificates (subdirectories allowed; any other extension is silently skipped) and
 * rebuilds /etc/ssl/certs/ca-certificates.crt. We own the dev-certs/ subdirectory outright.
 */
export const DEBIAN: LinuxFamily = {
  anchorDir: '/usr/local/share/ca-certificates/dev-certs',
  bundle: '/etc/ssl/certs/ca-certificates.crt',
  extension: '.crt',
  id: 'debian',
  install: 'Install it with `sudo apt-get install ca-certificates`',
  name: 'Debian/Ubuntu system store',
  prefix: '',
  refresh: [['update-ca-certificates']],
  // The man page: after removing a certificate, run update-ca-certificates --fresh.
  whenReplaced: ['--fresh'],
}

export function debianStore(): TrustStore {
  return anchorDirStore(DEBIAN)
}

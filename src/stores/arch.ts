import {anchorDirStore, type LinuxFamily} from './anchor-dir.js'
import {type TrustStore} from './trust-store.js'

/**
 * Arch, Manjaro, EndeavourOS: p11-kit reads /etc/ca-certificates/trust-source (PEM or DER, any extension).
 * Arch's update-ca-trust (ca-certificates-utils) runs `trust extract` for every format, and Arch's
 * `trust extract-compat` calls that script: either refreshes /etc/ca-certificates/extracted, which
 * /etc/ssl/certs links to.
 */
export const ARCH: LinuxFamily = {
  anchorDir: '/etc/ca-certificates/trust-source/anchors',
  bundle: '/etc/ca-certificates/extracted/tls-ca-bundle.pem',
  extension: '.crt',
  id: 'arch',
  install: 'Install it with `sudo pacman -S ca-certificates-utils p11-kit`',
  name: 'Arch system store (p11-kit trust-source)',
  prefix: 'dev-certs-',
  refresh: [['update-ca-trust'], ['trust', 'extract-compat']],
}

export function archStore(): TrustStore {
  return anchorDirStore(ARCH)
}

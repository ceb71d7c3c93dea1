import {anchorDirStore, type LinuxFamily} from './anchor-dir.js'
import {type TrustStore} from './trust-store.js'

/**
 * openSUSE and SLES. Admin anchors go in /etc/pki/trust/anchors (/usr/share/pki/trust/anchors is reserved
 * for packages: writing there is why some tools' installs silently did nothing on SLES 15). The refresh tool
 * is SUSE's own update-ca-certificates, a p11-kit wrapper that shares only its name with Debian's: finding
 * the binary says nothing about the family, which is why the family comes from os-release.
 */
export const SUSE: LinuxFamily = {
  anchorDir: '/etc/pki/trust/anchors',
  bundle: '/etc/ssl/ca-bundle.pem',
  extension: '.pem',
  id: 'suse',
  install: 'Install it with `sudo zypper install ca-certificates`',
  name: 'openSUSE/SLES system store',
  prefix: 'dev-certs-',
  refresh: [['update-ca-certificates']],
}

export function suseStore(): TrustStore {
  return anchorDirStore(SUSE)
}

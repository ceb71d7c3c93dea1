import {anchorDirStore, type LinuxFamily} from './anchor-dir.js'
import {type TrustStore} from './trust-store.js'

/**
 * RHEL, Fedora, CentOS, Rocky, Alma, Amazon Linux: p11-kit's ca-trust. Admin anchors go in
 * /etc/pki/ca-trust/source/anchors (packages use /usr/share/pki/ca-trust-source), any extension, PEM or DER;
 * `update-ca-trust extract` writes the bundles under /etc/pki/ca-trust/extracted. The extended "BEGIN TRUSTED
 * CERTIFICATE" form would belong one level up, in source/; plain PEM anchors are what we write.
 */
export const RHEL: LinuxFamily = {
  anchorDir: '/etc/pki/ca-trust/source/anchors',
  bundle: '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  extension: '.pem',
  id: 'rhel',
  install: 'Install it with `sudo dnf install ca-certificates` (`sudo yum install ca-certificates` on EL7)',
  name: 'RHEL/Fedora system store (ca-trust)',
  prefix: 'dev-certs-',
  refresh: [['update-ca-trust', 'extract']],
}

export function rhelStore(): TrustStore {
  return anchorDirStore(RHEL)
}

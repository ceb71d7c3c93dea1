import {readFile} from 'node:fs/promises'

import {pemFingerprint, splitPem} from '../bundle/os-roots.js'
import {type Fingerprint} from '../certs/fingerprint.js'
import {READY, type TrustStore} from './trust-store.js'

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt'

/**
 * NixOS builds /etc/ssl/certs from the system configuration: the store is read-only at run time, so the only
 * correct install is a line in configuration.nix. We print it, with the certificates inline so the rebuild
 * does not depend on a file in someone's home directory.
 */
export function nixosStore(): TrustStore {
  const extracted = async () => {
    const text = await readFile(BUNDLE, 'utf8').catch(() => '')
    return new Set(splitPem(text).map((block) => pemFingerprint(block)))
  }

  return {
    id: 'nixos',
    async installSteps() {
      return []
    },
    async isTrusted(fingerprint: Fingerprint) {
      return (await extracted()).has(fingerprint)
    },
    name: 'NixOS system store (declarative)',
    async precheck(anchors) {
      const trusted = await extracted()
      const missing = anchors.filter(({cert}) => !trusted.has(cert.fingerprint))
      if (missing.length === 0) return READY
      const pems = missing.map(
        ({authority, cert}) => `    # ${authority}\n    ''\n${cert.pem.trimEnd()}\n    ''`,
      )
      return {
        fix: 'Then run `sudo nixos-rebuild switch` and run setup again.',
        level: 'warning',
        message:
          'NixOS manages its trust store declaratively, so dev-certs cannot write it. Add this to ' +
          `/etc/nixos/configuration.nix:\n  security.pki.certificates = [\n${pems.join('\n')}\n  ];`,
        ready: false,
      }
    },
    async removeSteps() {
      return []
    },
    watchedFiles() {
      return [BUNDLE]
    },
  }
}

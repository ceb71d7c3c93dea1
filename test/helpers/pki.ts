/** Test PKI: the same generator the demo uses, fresh material per run (nothing static that can expire). */
export {type Issued, makeIntermediate, makeLeaf, makeRootCa} from '../../src/demo/pki.js'

import {createHash} from 'node:crypto'

export function pinOf(der: Buffer): string {
  return `SHA256:${createHash('sha256').update(der).digest('hex').toUpperCase()}`
}

/** The fingerprint as messages show it: SHA256:AB:CD:… */
export function shownPin(der: Buffer): string {
  return `SHA256:${createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':')}`
}

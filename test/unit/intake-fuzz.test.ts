import {Buffer} from 'node:buffer'
import {describe, expect, it} from 'vitest'

import {caseSeeds, mutate, random} from '../../scripts/intake-mutations.mjs'
import {chooseAnchors} from '../../src/certs/anchor.js'
import {decodeCertificates} from '../../src/certs/decode.js'
import {IntakeError} from '../../src/certs/intake-error.js'
import {CASES} from '../helpers/cases.js'
import {makeIntermediate, makeRootCa} from '../helpers/pki.js'

// The long run is `npm run fuzz:intake` (100k+ inputs); this keeps a fixed-seed sample in every test run.
const ITERATIONS = 2000

describe('the certificate reader under random and mutated input', () => {
  it('never crashes: every input gives certificates or a typed IntakeError with a message', () => {
    const root = makeRootCa({commonName: 'Fuzz Root'})
    const seeds = [
      ...caseSeeds(`${CASES}certs`),
      root.der,
      Buffer.from(makeIntermediate(root).certPem + root.certPem),
    ]
    const rng = random(20261204)
    const untyped: string[] = []
    let refused = 0
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(rng, seeds)
      try {
        const {certificates} = decodeCertificates(input, 'fuzz input')
        expect(certificates.length).toBeGreaterThan(0)
        chooseAnchors(certificates, [], 'fuzz input')
      } catch (error) {
        if (
          error instanceof IntakeError &&
          error.message.startsWith('fuzz input') &&
          error.code.startsWith('INTAKE_')
        ) {
          refused++
        } else {
          untyped.push(`${String(error)} for ${input.toString('base64')}`)
        }
      }
    }

    expect(untyped).toEqual([])
    expect(refused).toBeGreaterThan(ITERATIONS / 2)
  })
})

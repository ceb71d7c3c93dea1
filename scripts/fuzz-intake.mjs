// Fuzzes the built certificate reader (lib/): every input must either give certificates or fail with a typed
// IntakeError that carries a message. Usage: npm run fuzz:intake [-- --iterations N --seed S]
import {Buffer} from 'node:buffer'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'

import {chooseAnchors} from '../lib/certs/anchor.js'
import {decodeCertificates} from '../lib/certs/decode.js'
import {IntakeError} from '../lib/certs/intake-error.js'
import {makeIntermediate, makeLeaf, makeRootCa} from '../lib/demo/pki.js'
import {caseSeeds, mutate, random} from './intake-mutations.mjs'

const {values} = parseArgs({
  options: {
    iterations: {default: '100000', type: 'string'},
    seed: {default: String(Date.now() % 2 ** 31), type: 'string'},
  },
})
const iterations = Number(values.iterations)
const seed = Number(values.seed)
const rng = random(seed)

const root = makeRootCa({commonName: 'Fuzz Root'})
const intermediate = makeIntermediate(root)
const leaf = makeLeaf(intermediate)
const seeds = [
  ...caseSeeds(new URL('../../shared/cases/certs/', import.meta.url).pathname),
  root.der,
  Buffer.from(leaf.certPem + intermediate.certPem + root.certPem),
  Buffer.concat([root.der, intermediate.der]),
]

const outcomes = {accepted: 0, refused: 0}
const codes = new Map()
const failures = new Map()
const started = performance.now()
for (let i = 0; i < iterations; i++) {
  const input = mutate(rng, seeds)
  try {
    const {certificates} = decodeCertificates(input, 'fuzz input')
    if (certificates.length === 0) throw new Error('decoding gave no certificate and no error')
    chooseAnchors(certificates, [], 'fuzz input')
    outcomes.accepted++
  } catch (error) {
    if (error instanceof IntakeError && error.message.length > 0 && error.code.startsWith('INTAKE_')) {
      outcomes.refused++
      codes.set(error.code, (codes.get(error.code) ?? 0) + 1)
      continue
    }

    const key = String(error?.stack ?? error)
      .split('\n')
      .slice(0, 2)
      .join(' | ')
    if (!failures.has(key)) failures.set(key, {error, input: input.toString('base64'), iteration: i})
  }
}

const seconds = (performance.now() - started) / 1000
console.log(`fuzz:intake seed ${seed}: ${iterations} inputs in ${seconds.toFixed(1)} s`)
console.log(`  accepted ${outcomes.accepted}, refused with IntakeError ${outcomes.refused}`)
for (const [code, count] of [...codes].sort((a, b) => b[1] - a[1])) console.log(`    ${code}: ${count}`)
for (const [key, failure] of failures) {
  console.error(
    `\nUNTYPED FAILURE at iteration ${failure.iteration}: ${key}\n  input (base64): ${failure.input}`,
  )
}

process.exitCode = failures.size > 0 ? 1 : 0

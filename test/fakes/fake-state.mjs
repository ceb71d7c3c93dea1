// Shared by the fake `security` and `certutil`: a JSON state file and an argv log, both in FAKE_STATE.
import {createHash, X509Certificate} from 'node:crypto'
import {appendFileSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const dir = process.env.FAKE_STATE
if (!dir) {
  process.stderr.write('FAKE_STATE is not set\n')
  process.exit(99)
}

export function logCall(program) {
  appendFileSync(join(dir, 'calls.jsonl'), JSON.stringify([program, ...process.argv.slice(2)]) + '\n')
}

export function loadState() {
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))
  } catch {
    return {}
  }
}

export function saveState(state) {
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state, null, 2))
}

/** The certificate in a PEM or DER file: its PEM, its SHA-1 (upper-case hex) and its subject. */
export function readCert(file) {
  const x509 = new X509Certificate(readFileSync(file))
  const sha1 = createHash('sha1').update(x509.raw).digest('hex').toUpperCase()
  return {pem: x509.toString(), sha1, subject: x509.subject.replaceAll('\n', ', ')}
}

export function fail(message, code = 1) {
  process.stderr.write(message + '\n')
  process.exit(code)
}

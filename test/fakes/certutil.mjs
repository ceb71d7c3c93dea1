#!/usr/bin/env node
// A stand-in for Windows certutil.exe: the CurrentUser and LocalMachine Root stores kept in FAKE_STATE, argv
// recorded, and certutil's own messages. LocalMachine needs FAKE_ELEVATED=1 (else "Access is denied");
// FAKE_DIALOG=cancel answers the CurrentUser security warning with No. Exit codes are certutil's WIN32 codes
// cut to 8 bits, as a POSIX exit status must be.
import {fail, loadState, logCall, readCert, saveState} from './fake-state.mjs'

logCall('certutil')
const args = process.argv.slice(2)
const user = args.includes('-user')
const rest = args.filter((arg) => arg !== '-user' && arg !== '-f')
const [verb, storeName, target] = rest
const state = loadState()
state.user ??= []
state.machine ??= []
const store = user ? state.user : state.machine
const failed = (verbName, hresult, text, code) =>
  fail(`CertUtil: ${verbName} command FAILED: ${hresult}\nCertUtil: ${text}`, code)
if (storeName !== 'Root') fail(`CertUtil: unexpected store ${storeName}`, 2)
const find = (thumbprint) => store.find((c) => c.sha1 === thumbprint.toUpperCase())

switch (verb) {
  case '-addstore': {
    if (!user && process.env.FAKE_ELEVATED !== '1')
      failed('-addstore', '0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)', 'Access is denied.', 5)
    if (user && process.env.FAKE_DIALOG === 'cancel')
      failed(
        '-addstore',
        '0x800704c7 (WIN32: 1223 ERROR_CANCELLED)',
        'The operation was canceled by the user.',
        199,
      )
    const cert = readCert(target)
    if (!find(cert.sha1)) store.push(cert)
    saveState(state)
    process.stdout.write(
      `Root "Trusted Root Certification Authorities"\nSignature matches Public Key\n` +
        `Certificate "${cert.subject}" added to store.\nCertUtil: -addstore command completed successfully.\n`,
    )
    break
  }

  case '-verifystore': {
    const cert = find(target)
    if (!cert)
      failed(
        '-verifystore',
        '0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)',
        'Cannot find object or property.',
        4,
      )
    process.stdout.write(
      `Root "Trusted Root Certification Authorities"\n================ Certificate 0 ================\n` +
        `Subject: ${cert.subject}\nCert Hash(sha1): ${cert.sha1.toLowerCase()}\n` +
        `Certificate is valid\nCertUtil: -verifystore command completed successfully.\n`,
    )
    break
  }

  case '-delstore': {
    const cert = find(target)
    if (!cert)
      failed('-delstore', '0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)', 'Cannot find object or property.', 4)
    state[user ? 'user' : 'machine'] = store.filter((c) => c !== cert)
    saveState(state)
    process.stdout.write(`Deleting Certificate 0\nCertUtil: -delstore command completed successfully.\n`)
    break
  }

  default:
    fail(`CertUtil: Unknown arg: ${verb}`, 2)
}

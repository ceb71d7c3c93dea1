#!/usr/bin/env node
// A stand-in for macOS `security`: keychains and trust domains kept in FAKE_STATE, argv recorded, and the
// real tool's messages for the outcomes dev-certs handles. FAKE_SECURITY_DENY=1 answers like a session
// where nobody can confirm the trust dialog.
import {fail, loadState, logCall, readCert, saveState} from './fake-state.mjs'

logCall('security')
const [verb, ...args] = process.argv.slice(2)
const state = loadState()
state.keychains ??= {}
state.trust ??= {admin: [], user: []}
const flag = (name) => args.includes(name)
const value = (name) => args[args.indexOf(name) + 1]

switch (verb) {
  case 'add-trusted-cert': {
    if (process.env.FAKE_SECURITY_DENY === '1')
      fail(
        'SecTrustSettingsSetTrustSettings: The authorization was denied since no user interaction was possible.',
      )
    const cert = readCert(args.at(-1))
    const keychain = value('-k')
    state.keychains[keychain] = [
      ...(state.keychains[keychain] ?? []).filter((c) => c.sha1 !== cert.sha1),
      cert,
    ]
    const domain = flag('-d') ? 'admin' : 'user'
    if (!state.trust[domain].includes(cert.sha1)) state.trust[domain].push(cert.sha1)
    saveState(state)
    break
  }

  case 'verify-cert': {
    const cert = readCert(value('-c'))
    const trusted = [...state.trust.admin, ...state.trust.user].includes(cert.sha1)
    if (!trusted) fail('Cert Verify Result: CSSMERR_TP_NOT_TRUSTED')
    process.stdout.write('...certificate verification successful.\n')
    break
  }

  case 'find-certificate': {
    const keychains = args.filter((arg) => !arg.startsWith('-'))
    const names = keychains.length > 0 ? keychains : Object.keys(state.keychains)
    for (const name of names) for (const cert of state.keychains[name] ?? []) process.stdout.write(cert.pem)
    break
  }

  case 'remove-trusted-cert': {
    const cert = readCert(args.at(-1))
    const domain = flag('-d') ? 'admin' : 'user'
    if (!state.trust[domain].includes(cert.sha1))
      fail('SecTrustSettingsRemoveTrustSettings: The specified item could not be found in the keychain.')
    state.trust[domain] = state.trust[domain].filter((sha1) => sha1 !== cert.sha1)
    saveState(state)
    break
  }

  case 'delete-certificate': {
    const sha1 = value('-Z')
    const keychain = args.at(-1)
    const before = state.keychains[keychain] ?? []
    if (!before.some((c) => c.sha1 === sha1)) fail(`Unable to delete certificate matching "${sha1}"`, 44)
    state.keychains[keychain] = before.filter((c) => c.sha1 !== sha1)
    saveState(state)
    break
  }

  default:
    fail(`security: unknown command "${verb}"`, 2)
}

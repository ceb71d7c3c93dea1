import {describe, expect, it} from 'vitest'

import {envLines, profileLine} from '../../src/env/render.js'

/** pwsh is not packaged by Debian, so its lines are checked as text here; bash, zsh and fish run for real. */
describe('PowerShell lines', () => {
  it('single-quote the path and double every quote in it, so nothing is expanded', () => {
    expect(envLines('pwsh', [['SSL_CERT_FILE', `C:\\Users\\O'Brien\\$x "y"\\bundle.pem`]])).toEqual([
      `$env:SSL_CERT_FILE = 'C:\\Users\\O''Brien\\$x "y"\\bundle.pem'`,
    ])
  })

  it('the profile line dot-sources env.ps1 only when it exists', () => {
    expect(profileLine(`C:\\it's\\env.ps1`, 'pwsh')).toBe(
      `if (Test-Path -LiteralPath 'C:\\it''s\\env.ps1') { . 'C:\\it''s\\env.ps1' }`,
    )
  })
})

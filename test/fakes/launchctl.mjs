#!/usr/bin/env node
// A stand-in for macOS `launchctl managername`: Aqua (a desktop session) unless FAKE_SESSION says otherwise.
if (process.argv[2] !== 'managername') {
  process.stderr.write('launchctl: only managername is faked\n')
  process.exit(2)
}

process.stdout.write(`${process.env.FAKE_SESSION ?? 'Aqua'}\n`)

#!/usr/bin/env node
// A stand-in for Windows `whoami /groups`: the mandatory label is High when FAKE_ELEVATED=1, else Medium.
import {logCall} from './fake-state.mjs'

logCall('whoami')
const label =
  process.env.FAKE_ELEVATED === '1'
    ? 'High Mandatory Level Label S-1-16-12288'
    : 'Medium Mandatory Level Label S-1-16-8192'
process.stdout.write(
  `GROUP INFORMATION\n-----------------\n\nEveryone Well-known group S-1-1-0\nMandatory Label\\${label}\n`,
)

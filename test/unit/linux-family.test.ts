import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {linuxFamily} from '../../src/stores/family.js'
import {readOsRelease} from '../../src/system/platform.js'

/** The ID and ID_LIKE lines these distributions ship in /etc/os-release. */
const RELEASES: Array<[string, string, string | undefined]> = [
  ['Ubuntu 24.04', 'ID=ubuntu\nID_LIKE=debian', 'debian'],
  ['Linux Mint 22', 'ID=linuxmint\nID_LIKE="ubuntu debian"', 'debian'],
  ['Pop!_OS 22.04', 'ID=pop\nID_LIKE="ubuntu debian"', 'debian'],
  ['Raspberry Pi OS', 'ID=raspbian\nID_LIKE=debian', 'debian'],
  ['Fedora 41', 'ID=fedora', 'rhel'],
  ['CentOS Stream 9', 'ID="centos"\nID_LIKE="rhel fedora"', 'rhel'],
  ['RHEL 9', 'ID="rhel"\nID_LIKE="fedora"', 'rhel'],
  ['AlmaLinux 9', 'ID="almalinux"\nID_LIKE="rhel centos fedora"', 'rhel'],
  ['Amazon Linux 2023', 'ID="amzn"\nID_LIKE="fedora"', 'rhel'],
  ['Oracle Linux 9', 'ID="ol"\nID_LIKE="fedora"', 'rhel'],
  ['Arch Linux', 'ID=arch', 'arch'],
  ['EndeavourOS', 'ID=endeavouros\nID_LIKE=arch', 'arch'],
  ['openSUSE Tumbleweed', 'ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"', 'suse'],
  ['SLES 15', 'ID="sles"\nID_LIKE="suse"', 'suse'],
  ['Alpine 3.20', 'ID=alpine', 'alpine'],
  ['NixOS 24.05', 'ID=nixos', 'nixos'],
  ['Void Linux', 'ID="void"', undefined],
]

describe('the Linux family comes from os-release ID, then ID_LIKE', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-certs-os-release-'))
  })
  afterAll(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it.each(RELEASES)('%s → %s', async (name, fields, family) => {
    const path = join(dir, name.replaceAll(/\W/g, '_'))
    await writeFile(path, `NAME="${name}"\n${fields}\nPRETTY_NAME="${name}"\n`)
    const release = readOsRelease(path)!
    expect(linuxFamily(release)?.family).toBe(family)
  })
})

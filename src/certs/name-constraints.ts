import {isIP} from 'node:net'

import {children, type Tlv} from './der.js'

/** One GeneralSubtree base we understand: a DNS suffix or an IP range. Other name forms are kept as "other". */
export type Subtree =
  {kind: 'dns'; name: string} | {kind: 'ip'; address: Buffer; mask: Buffer} | {kind: 'other'}

export interface NameConstraints {
  excluded: Subtree[]
  permitted: Subtree[]
}

const DNS_NAME = 0x82
const IP_ADDRESS = 0x87

/** NameConstraints ::= SEQUENCE { permittedSubtrees [0], excludedSubtrees [1] } (RFC 5280 4.2.1.10). */
export function readNameConstraints(der: Buffer, value: Tlv): NameConstraints {
  const constraints: NameConstraints = {excluded: [], permitted: []}
  for (const part of children(der, value)) {
    const list =
      part.tag === 0xa0 ? constraints.permitted : part.tag === 0xa1 ? constraints.excluded : undefined
    for (const subtree of list ? children(der, part) : []) {
      const [base] = children(der, subtree)
      list!.push(readBase(der, base))
    }
  }

  return constraints
}

/** The hosts a CA with these constraints may not vouch for, each with the reason. */
export function hostsOutside(constraints: NameConstraints, hosts: string[]): string[] {
  const outside: string[] = []
  for (const host of hosts) {
    const kind = isIP(host) ? 'ip' : 'dns'
    const excluded = constraints.excluded.find((subtree) => matches(subtree, host))
    const permitted = constraints.permitted.filter((subtree) => subtree.kind === kind)
    if (excluded) outside.push(`${host} (excluded: ${show(excluded)})`)
    else if (permitted.length > 0 && !permitted.some((subtree) => matches(subtree, host))) {
      outside.push(`${host} (permitted only: ${permitted.map((subtree) => show(subtree)).join(', ')})`)
    }
  }

  return outside
}

function readBase(der: Buffer, base: Tlv | undefined): Subtree {
  const bytes = base ? der.subarray(base.contentStart, base.end) : Buffer.alloc(0)
  if (base?.tag === DNS_NAME) return {kind: 'dns', name: bytes.toString('latin1').toLowerCase()}
  if (base?.tag === IP_ADDRESS && (bytes.length === 8 || bytes.length === 32)) {
    const half = bytes.length / 2
    return {
      address: Buffer.from(bytes.subarray(0, half)),
      kind: 'ip',
      mask: Buffer.from(bytes.subarray(half)),
    }
  }

  return {kind: 'other'}
}

function matches(subtree: Subtree, host: string): boolean {
  if (subtree.kind === 'dns') {
    if (isIP(host)) return false
    const name = host.toLowerCase().replace(/\.$/, '')
    if (subtree.name === '') return true
    // ".example.test" allows only names below it; "example.test" also allows itself (RFC 5280).
    if (subtree.name.startsWith('.')) return name.endsWith(subtree.name)
    return name === subtree.name || name.endsWith(`.${subtree.name}`)
  }

  if (subtree.kind === 'ip') {
    const address = ipBytes(host)
    if (!address || address.length !== subtree.address.length) return false
    return address.every((byte, i) => (byte & subtree.mask[i]) === (subtree.address[i] & subtree.mask[i]))
  }

  return false
}

function ipBytes(host: string): Buffer | undefined {
  if (isIP(host) === 4) return Buffer.from(host.split('.').map(Number))
  if (isIP(host) !== 6) return undefined
  const [head, tail = ''] = host.split('::')
  const left = head ? head.split(':') : []
  const right = host.includes('::') && tail ? tail.split(':') : []
  const groups = host.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left
  return Buffer.from(groups.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]))
}

function show(subtree: Subtree): string {
  if (subtree.kind === 'dns') return `DNS:${subtree.name || '(any)'}`
  if (subtree.kind === 'ip') return `IP:${[...subtree.address].join('.')}/${[...subtree.mask].join('.')}`
  return 'another name form'
}

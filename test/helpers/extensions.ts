import forge from 'node-forge'

const {asn1} = forge
const ctx = (n: number, constructed: boolean, value: forge.asn1.Asn1[] | string) =>
  asn1.create(asn1.Class.CONTEXT_SPECIFIC, n, constructed, value)
const seq = (value: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, value)
const oid = (dotted: string) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes())

/** Authority Information Access with one caIssuers URL, as a node-forge extension. */
export function caIssuersExtension(url: string): object {
  return {id: '1.3.6.1.5.5.7.1.1', value: seq([seq([oid('1.3.6.1.5.5.7.48.2'), ctx(6, false, url)])])}
}

/** Name constraints: permitted and excluded DNS names ("corp.example.test") or IPv4 ranges ("10.0.0.0/8"). */
export function nameConstraintsExtension(permitted: string[], excluded: string[] = []): object {
  const subtrees = (names: string[]) => names.map((name) => seq([generalName(name)]))
  const parts = [
    ...(permitted.length > 0 ? [ctx(0, true, subtrees(permitted))] : []),
    ...(excluded.length > 0 ? [ctx(1, true, subtrees(excluded))] : []),
  ]
  return {critical: true, id: '2.5.29.30', value: seq(parts)}
}

function generalName(name: string): forge.asn1.Asn1 {
  const range = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(name)
  if (!range) return ctx(2, false, name)
  const bits = Number(range[2])
  const mask = [0, 1, 2, 3].map((i) => (0xff << (8 - Math.min(8, Math.max(0, bits - i * 8)))) & 0xff)
  return ctx(7, false, String.fromCharCode(...range[1].split('.').map(Number), ...mask))
}

/**
 * A small JSON Schema checker for the keywords our schema uses (type, properties, required,
 * additionalProperties, items, contains, minItems, minLength, pattern, oneOf, anyOf, if/then, $ref into
 * $defs). It exists so the schema can be tested against the cases without a validator dependency; a keyword
 * it does not know fails loudly instead of being ignored.
 */
export type Schema = Record<string, unknown>

const KNOWN = new Set([
  '$defs',
  '$ref',
  '$schema',
  'additionalProperties',
  'anyOf',
  'contains',
  'description',
  'if',
  'items',
  'minItems',
  'minLength',
  'oneOf',
  'pattern',
  'properties',
  'required',
  'then',
  'title',
  'type',
])

/** Returns the JSON paths that break the schema, each with the keyword; an empty list means valid. */
export function check(root: Schema, value: unknown, schema: Schema = root, path = ''): string[] {
  const errors: string[] = []
  const fail = (keyword: string) => errors.push(`${path || '(root)'}: ${keyword}`)
  for (const key of Object.keys(schema))
    if (!KNOWN.has(key)) throw new Error(`schema keyword ${key} not supported`)
  if (typeof schema.$ref === 'string') errors.push(...check(root, value, resolve(root, schema.$ref), path))
  if (schema.type !== undefined && !hasType(value, schema.type as string)) {
    fail(`type ${schema.type as string}`)
  }

  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail('minLength')
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern')
  }

  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('minItems')
    if (schema.items) {
      value.forEach((item, i) => errors.push(...check(root, item, schema.items as Schema, `${path}[${i}]`)))
    }

    if (schema.contains && !value.some((item) => check(root, item, schema.contains as Schema).length === 0)) {
      fail('contains')
    }
  }

  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>
    for (const key of (schema.required ?? []) as string[]) if (!(key in value)) fail(`required ${key}`)
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key
      if (properties[key]) errors.push(...check(root, item, properties[key], at))
      else if (schema.additionalProperties === false) errors.push(`${at}: additionalProperties`)
    }
  }

  const passes = (sub: Schema) => check(root, value, sub, path).length === 0
  if (Array.isArray(schema.oneOf) && (schema.oneOf as Schema[]).filter(passes).length !== 1) fail('oneOf')
  if (Array.isArray(schema.anyOf) && !(schema.anyOf as Schema[]).some(passes)) fail('anyOf')
  if (schema.if && schema.then && passes(schema.if as Schema)) {
    errors.push(...check(root, value, schema.then as Schema, path))
  }

  return errors
}

function resolve(root: Schema, ref: string): Schema {
  const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1]
  const target = name ? (root.$defs as Record<string, Schema>)[name] : undefined
  if (!target) throw new Error(`unresolvable $ref ${ref}`)
  return target
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'array') return Array.isArray(value)
  if (type === 'object') return isObject(value)
  if (type === 'integer') return Number.isInteger(value)
  return typeof value === type
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

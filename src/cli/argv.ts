/**
 * Reading argv the way oclif does, for the paths that run without it. Anything oclif would refuse or read
 * otherwise makes the caller hand the run to oclif, so the user gets oclif's own message and exit code.
 */

/** A flag's value at args[i] (`--name value` or `--name=value`), or undefined when oclif would refuse it. */
export function flagValue(
  args: string[],
  i: number,
  name: string,
): {next: number; value: string} | undefined {
  const arg = args[i]
  if (arg.startsWith(`${name}=`)) {
    const value = arg.slice(name.length + 1)
    // oclif refuses some of these too (`--config=-y`: "expects a value"); which ones is its business.
    return value.startsWith('-') ? undefined : {next: i, value}
  }

  if (arg !== name) return undefined
  const value = args[i + 1]
  // oclif reads a following flag as a missing value ("expects a value"), not as the value.
  if (value === undefined || value === '' || value.startsWith('-')) return undefined
  return {next: i + 1, value}
}

/** oclif refuses a value flag given twice ("can only be specified once"). */
export function onceEach(seen: Set<string>, name: string): boolean {
  if (seen.has(name)) return false
  seen.add(name)
  return true
}

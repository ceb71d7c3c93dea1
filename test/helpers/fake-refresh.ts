/**
 * Stand-ins for a family's refresh tool, as small shell scripts placed in the sandbox's /usr/sbin overlay.
 * Each records its argv (one line per call) and rebuilds the family's bundle the way the real tool does,
 * so "trusted" still means "in the extracted bundle".
 */
export function fakeRefresh(options: {anchorDir: string; base: string; bundle: string; log: string}): string {
  const {anchorDir, base, bundle, log} = options
  return `#!/bin/sh
# Fake refresh tool: records its argv, then rebuilds the bundle from the base roots and our anchors (the
# base already holds every other local anchor, as the real bundle does).
${record(log)}
mkdir -p "$(dirname '${bundle}')"
{ cat '${base}'; for f in '${anchorDir}'/dev-certs-*; do [ -f "$f" ] && cat "$f"; done; } > '${bundle}.tmp'
mv '${bundle}.tmp' '${bundle}'
`
}

/**
 * Arch's update-ca-trust is itself a script around the real p11-kit \`trust extract\`: this one records its
 * argv and runs the real trust, which reads the trust-source the sandbox's p11-kit module config names.
 */
export function archUpdateCaTrust(options: {bundle: string; log: string}): string {
  return `#!/bin/sh
${record(options.log)}
mkdir -p "$(dirname '${options.bundle}')"
exec /usr/bin/trust extract --overwrite --format=pem-bundle --filter=ca-anchors --purpose=server-auth \\
  '${options.bundle}'
`
}

/** A failing tool that answers like a broken one: a message on stderr and a non-zero exit. */
export function failingTool(options: {code: number; log: string; stderr: string}): string {
  return `#!/bin/sh
${record(options.log)}
printf '%s\\n' '${options.stderr}' >&2
exit ${options.code}
`
}

/** One line per call: the program, then each argument after a space (no trailing space). */
function record(log: string): string {
  return `{ printf '%s' "$0"; for arg in "$@"; do printf ' %s' "$arg"; done; echo; } >> '${log}'`
}

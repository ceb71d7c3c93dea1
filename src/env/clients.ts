/**
 * The one table of which variable each client reads. `replaces` variables swap out the client's default roots,
 * so they must point at the combined bundle; `extends` variables add to them, so the team CAs alone are right.
 * The env writer, `dev certs env` and the doctor all read this table.
 */
export interface ClientVariable {
  clients: string
  file: 'bundle' | 'team-ca'
  mode: 'extends' | 'replaces'
  note: string
  variable: string
}

export const CLIENT_VARIABLES: readonly ClientVariable[] = [
  {
    clients: 'Node.js (node, npm, yarn, pnpm)',
    file: 'team-ca',
    mode: 'extends',
    note: 'Read once at process start: a dotenv loader inside the app is too late; source env.sh in the shell.',
    variable: 'NODE_EXTRA_CA_CERTS',
  },
  {
    clients: 'Python requests, pip, Azure CLI',
    file: 'bundle',
    mode: 'replaces',
    note: 'Replaces certifi; wins over CURL_CA_BUNDLE.',
    variable: 'REQUESTS_CA_BUNDLE',
  },
  {
    clients: 'OpenSSL, Python ssl/urllib, httpx, uv, Ruby, Go (Linux)',
    file: 'bundle',
    mode: 'replaces',
    note: 'Replaces the OpenSSL default file.',
    variable: 'SSL_CERT_FILE',
  },
  {
    clients: 'curl',
    file: 'bundle',
    mode: 'replaces',
    note: 'Replaces the built-in bundle.',
    variable: 'CURL_CA_BUNDLE',
  },
  {
    clients: 'git',
    file: 'bundle',
    mode: 'replaces',
    note: 'git ignores SSL_CERT_FILE.',
    variable: 'GIT_SSL_CAINFO',
  },
  {
    clients: 'pip',
    file: 'bundle',
    mode: 'replaces',
    note: 'Replaces on pip < 24.2, extends after.',
    variable: 'PIP_CERT',
  },
  {
    clients: 'AWS CLI, boto3',
    file: 'bundle',
    mode: 'replaces',
    note: 'Replaces botocore roots.',
    variable: 'AWS_CA_BUNDLE',
  },
]

export interface EnvPaths {
  bundle: string
  teamCa: string
}

/** The variable → absolute path pairs that setup writes, in table order. */
export function wantedVariables(paths: EnvPaths): Array<[string, string]> {
  return CLIENT_VARIABLES.map((row) => [row.variable, row.file === 'bundle' ? paths.bundle : paths.teamCa])
}

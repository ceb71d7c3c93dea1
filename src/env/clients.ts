/**
 * The one table of how each client finds its CA roots. The env writer, `dev certs env`, `--configure`, the
 * docs and the doctor all read it. `replaces` variables swap out the client's default roots, so they always
 * get the combined bundle (public roots + team CAs); `extends` variables add to the defaults, so the team CAs
 * alone are right; `os-store` clients read only the OS trust store, so an OS install is what reaches them.
 */
export type CaFile = 'bundle' | 'team-ca'
export type TrustMode = 'extends' | 'os-store' | 'replaces'

export interface ClientRow {
  /** Version limits and traps a user may hit. */
  caveat?: string
  client: string
  /** The persistent setting `--configure` writes for this client, when it has one. */
  configure?: string
  file: CaFile
  mode: TrustMode
  /** The variable we export; undefined for clients that only read the OS store. */
  variable?: string
  why: string
}

export const CLIENTS: readonly ClientRow[] = [
  {
    caveat:
      'Read once at process start: a dotenv loader inside the app is too late, source env.sh from ' +
      'the shell. ' +
      'On Node >= 22.19 / 24.6, NODE_USE_SYSTEM_CA=1 after an OS install also adds the OS store.',
    client: 'Node.js (https, fetch, npm, pnpm, yarn)',
    configure: 'npm, yarn',
    file: 'team-ca',
    mode: 'extends',
    variable: 'NODE_EXTRA_CA_CERTS',
    why: "adds to Node's bundled Mozilla roots",
  },
  {
    caveat: 'Ignores SSL_CERT_FILE.',
    client: 'Python requests (and Azure CLI)',
    file: 'bundle',
    mode: 'replaces',
    variable: 'REQUESTS_CA_BUNDLE',
    why: 'replaces certifi; wins over CURL_CA_BUNDLE',
  },
  {
    client: 'OpenSSL and its CLI, Python ssl/urllib, Ruby, Go (Linux), PHP',
    file: 'bundle',
    mode: 'replaces',
    variable: 'SSL_CERT_FILE',
    why: 'replaces the OpenSSL default file',
  },
  {
    caveat: 'Ignores REQUESTS_CA_BUNDLE; 0.28 raises when the file is missing.',
    client: 'httpx (and SDKs built on it)',
    file: 'bundle',
    mode: 'replaces',
    variable: 'SSL_CERT_FILE',
    why: 'replaces certifi',
  },
  {
    caveat: 'Ignores REQUESTS_CA_BUNDLE; a set SSL_CERT_FILE wins over --system-certs.',
    client: 'uv',
    file: 'bundle',
    mode: 'replaces',
    variable: 'SSL_CERT_FILE',
    why: 'replaces its bundled Mozilla roots',
  },
  {
    client: 'curl',
    file: 'bundle',
    mode: 'replaces',
    variable: 'CURL_CA_BUNDLE',
    why: 'replaces the built-in bundle',
  },
  {
    caveat:
      'Ignores SSL_CERT_FILE and CURL_CA_BUNDLE. --configure git sets the team CA per team host instead.',
    client: 'git',
    configure: 'git',
    file: 'bundle',
    mode: 'replaces',
    variable: 'GIT_SSL_CAINFO',
    why: 'replaces the libcurl bundle for every host',
  },
  {
    caveat: 'pip >= 24.2 adds the file to the OS store; older pip replaces its roots with it.',
    client: 'pip',
    configure: 'pip',
    file: 'bundle',
    mode: 'replaces',
    variable: 'PIP_CERT',
    why: 'replaces (pip < 24.2) or extends its roots',
  },
  {
    caveat: 'An empty value is an error.',
    client: 'AWS CLI, boto3',
    configure: 'aws',
    file: 'bundle',
    mode: 'replaces',
    variable: 'AWS_CA_BUNDLE',
    why: "replaces botocore's roots",
  },
  {
    client: 'gcloud',
    configure: 'gcloud',
    file: 'bundle',
    mode: 'replaces',
    variable: 'CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE',
    why: 'replaces its bundled roots (env form of core/custom_ca_certs_file)',
  },
  {
    client: 'Deno',
    file: 'team-ca',
    mode: 'extends',
    variable: 'DENO_CERT',
    why: 'adds to its Mozilla roots',
  },
  {
    caveat: 'Not read by grpc-js, grpc-go or grpc-java.',
    client: 'gRPC C-core (grpcio, C++, Ruby)',
    file: 'bundle',
    mode: 'replaces',
    variable: 'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH',
    why: 'replaces its bundled roots.pem',
  },
  {
    caveat:
      'ssl_verify is a path, "truststore" or a boolean: we only ever set a path, never false. ' +
      'REQUESTS_CA_BUNDLE still wins over it inside conda.',
    client: 'conda',
    configure: 'conda',
    file: 'bundle',
    mode: 'replaces',
    variable: 'CONDA_SSL_VERIFY',
    why: 'a path replaces certifi',
  },
  {
    caveat: 'No variable: Debian builds wget with GnuTLS, which ignores SSL_CERT_FILE.',
    client: 'wget (GnuTLS), GnuTLS and NSS clients',
    file: 'bundle',
    mode: 'os-store',
    why: 'reads only the OS trust store, so the OS install reaches it',
  },
  {
    caveat:
      "Debian's python3-urllib3 hard-codes /etc/ssl/certs/ca-certificates.crt; upstream urllib3 loads the " +
      'OpenSSL defaults and so honours SSL_CERT_FILE. requests passes its own bundle and is not affected.',
    client: 'urllib3 used directly (Debian package)',
    file: 'bundle',
    mode: 'os-store',
    why: 'reads only the OS bundle file on Debian, so the OS install reaches it',
  },
  {
    caveat: 'Ignores every variable above; needs a truststore (the --java store).',
    client: 'Java (JSSE)',
    file: 'bundle',
    mode: 'os-store',
    why: 'reads only its own cacerts store',
  },
]

/** One exported variable, with every client that reads it. */
export interface ClientVariable {
  clients: string
  file: CaFile
  mode: 'extends' | 'replaces'
  note: string
  variable: string
}

export const CLIENT_VARIABLES: readonly ClientVariable[] = variablesOf(CLIENTS)

function variablesOf(rows: readonly ClientRow[]): ClientVariable[] {
  const byName = new Map<string, ClientVariable>()
  for (const row of rows) {
    if (!row.variable || row.mode === 'os-store') continue
    const seen = byName.get(row.variable)
    if (seen && (seen.file !== row.file || seen.mode !== row.mode)) {
      throw new Error(`client table: ${row.variable} is listed with two different files or modes`)
    }

    if (seen) seen.clients += `, ${row.client}`
    else {
      const {file, mode, variable} = row
      byName.set(variable, {clients: row.client, file, mode, note: row.why, variable})
    }
  }

  return [...byName.values()]
}

export interface EnvPaths {
  bundle: string
  teamCa: string
}

/** The variable → absolute path pairs that setup writes, in table order. */
export function wantedVariables(paths: EnvPaths): Array<[string, string]> {
  return CLIENT_VARIABLES.map((row) => [row.variable, row.file === 'bundle' ? paths.bundle : paths.teamCa])
}

import {readFile} from 'node:fs/promises'

import {CLIENT_VARIABLES, type ClientVariable, wantedVariables} from '../../env/clients.js'
import {findBlock} from '../../env/managed-block.js'
import {type Assignment, assignmentsIn} from '../assignments.js'
import {type Check} from '../check.js'
import {type DoctorContext, type UserFile} from '../context.js'
import {type Finding, ok, problem, SETUP_FIX} from '../finding.js'
import {judgeValue} from '../variable-value.js'

const NAMES = new Set(CLIENT_VARIABLES.map((row) => row.variable))
const ROWS = new Map(CLIENT_VARIABLES.map((row) => [row.variable, row]))

/** Each client variable, in this shell, the project's .env and the shell profile, points at a good file. */
export const environmentCheck: Check = {
  id: 'environment',
  async run(context) {
    const [dotenv, profile] = await Promise.all([context.dotenv(), context.profile()])
    const inDotenv = linesOf(dotenv)
    const inProfile = linesOf(profile)
    const envSh = await readFile(context.paths.envSh, 'utf8').catch(() => undefined)
    const sourcesEnvSh = Boolean(profile.text?.includes(context.paths.envSh))
    const viaProfile = sourcesEnvSh && envSh ? assignmentsIn(envSh, context.paths.envSh, NAMES) : []
    return [
      ...(await dotenvFindings(context, dotenv, inDotenv)),
      ...(await profileFindings(context, profile, inProfile, viaProfile)),
      ...(await shellFindings(context, [...inDotenv, ...inProfile, ...viaProfile])),
    ]
  },
  title: 'Environment',
}

async function dotenvFindings(
  context: DoctorContext,
  file: UserFile,
  lines: Assignment[],
): Promise<Finding[]> {
  const block = file.text ? findBlock(file.text) : undefined
  const blockLines = block ? lineRange(file.text!, block.start, block.end) : undefined
  const findings = await judgeLines(context, lines, (a) =>
    Boolean(blockLines && a.line >= blockLines[0] && a.line <= blockLines[1]),
  )
  const missing = CLIENT_VARIABLES.filter((row) => !lines.some((a) => a.name === row.variable))
  if (missing.length > 0) {
    findings.push(
      problem(
        'fail',
        `dotenv:${file.path}`,
        file.text === undefined
          ? `${file.path} does not exist, so no client variable is set for the project`
          : `${file.path} does not set ${missing.map((row) => row.variable).join(', ')}`,
        SETUP_FIX,
        {repair: {kind: 'setup'}},
      ),
    )
  }

  if (findings.length === 0)
    findings.push(ok(`dotenv:${file.path}`, `${file.path} sets all ${lines.length} client variables`))
  return findings
}

async function profileFindings(
  context: DoctorContext,
  file: UserFile,
  own: Assignment[],
  viaEnvSh: Assignment[],
): Promise<Finding[]> {
  const findings = await judgeLines(context, own, () => false)
  findings.push(...(await judgeLines(context, viaEnvSh, () => true)))
  const id = `profile:${file.path}`
  if (viaEnvSh.length > 0) {
    if (findings.length === 0) findings.push(ok(id, `${file.path} sources ${context.paths.envSh}`))
  } else if (!context.options.env.NODE_EXTRA_CA_CERTS) {
    findings.push(
      problem(
        'warn',
        id,
        `${file.path} does not source ${context.paths.envSh}: new shells lack NODE_EXTRA_CA_CERTS, ` +
          'which Node reads only at start',
        'dev certs setup --shell-profile',
        {repair: {kind: 'setup', shellProfile: true}},
      ),
    )
  }

  return findings
}

/** This process's env is what the user's shell exports: what Node, curl and git started from it will see. */
async function shellFindings(context: DoctorContext, elsewhere: Assignment[]): Promise<Finding[]> {
  const {env} = context.options
  const wanted = new Map(wantedVariables(context.paths))
  const findings: Finding[] = []
  const unset: ClientVariable[] = []
  for (const row of CLIENT_VARIABLES) {
    const value = env[row.variable]
    if (value === undefined) {
      unset.push(row)
      continue
    }

    const origin = {label: 'this shell', ours: value === wanted.get(row.variable)}
    const finding = await judgeValue(context, row, value, origin)
    if (finding) findings.push(finding)
  }

  const source = `. '${context.paths.envSh.replaceAll("'", `'\\''`)}'`
  const node = unset.find((row) => row.variable === 'NODE_EXTRA_CA_CERTS')
  const nodeElsewhere = elsewhere.find((a) => a.name === 'NODE_EXTRA_CA_CERTS')
  if (node && nodeElsewhere) {
    findings.push(
      problem(
        'warn',
        'shell:NODE_EXTRA_CA_CERTS',
        `NODE_EXTRA_CA_CERTS is set in ${nodeElsewhere.file} but not in this shell: Node reads it only at ` +
          'process start, so a .env loader is too late. Open a new shell or source env.sh',
        source,
        {evidence: [`${nodeElsewhere.file}:${nodeElsewhere.line}`]},
      ),
    )
  }

  const others = unset.filter((row) => row !== node && elsewhere.some((a) => a.name === row.variable))
  if (others.length > 0) {
    findings.push(
      problem(
        'warn',
        'shell:unset',
        `this shell does not set ${others.map((row) => `${row.variable} (${row.clients})`).join(', ')}: ` +
          'those clients, started from it, use their own roots. Open a new shell or source env.sh',
        source,
      ),
    )
  }

  if (findings.length === 0 && unset.length < CLIENT_VARIABLES.length) {
    findings.push(
      ok('shell', `this shell sets ${CLIENT_VARIABLES.length - unset.length} client variable(s), all good`),
    )
  }

  return findings
}

async function judgeLines(
  context: DoctorContext,
  lines: Assignment[],
  ours: (a: Assignment) => boolean,
): Promise<Finding[]> {
  const judged = await Promise.all(
    lines.map((a) =>
      judgeValue(context, ROWS.get(a.name)!, a.value, {
        file: a.file,
        label: `${a.file}:${a.line}`,
        line: a.line,
        ours: ours(a),
      }),
    ),
  )
  return judged.filter((finding): finding is Finding => finding !== undefined)
}

function linesOf(file: UserFile): Assignment[] {
  return file.text === undefined ? [] : assignmentsIn(file.text, file.path, NAMES)
}

/** 1-based first and last line numbers of [start, end) in text. */
function lineRange(text: string, start: number, end: number): [number, number] {
  const first = text.slice(0, start).split('\n').length
  const count = text
    .slice(start, end)
    .replace(/\r?\n$/, '')
    .split('\n').length
  return [first, first + count - 1]
}

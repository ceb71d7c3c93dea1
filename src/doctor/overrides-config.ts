import {readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {exec} from '../system/exec.js'
import {type DoctorContext} from './context.js'
import {type Finding, problem, skipped} from './finding.js'

const FALSY = /^["']?(false|no|off|0)["']?$/i

interface Located {
  file: string
  line: number
  text: string
}

/** npm `strict-ssl=false` in the project, user and global npmrc (read directly: `npm config` is slow). */
export async function npmSwitches(context: DoctorContext, projectDir: string): Promise<Finding[]> {
  const {env} = context.options
  const files: Array<[string, string]> = [
    [join(projectDir, '.npmrc'), 'project'],
    [env.NPM_CONFIG_USERCONFIG || join(context.home, '.npmrc'), 'user'],
    [env.NPM_CONFIG_GLOBALCONFIG || join(dirname(dirname(process.execPath)), 'etc', 'npmrc'), 'global'],
  ]
  const findings: Finding[] = []
  for (const [file, location] of files) {
    for (const hit of await linesMatching(file, /^\s*strict-ssl\s*=\s*(\S+)\s*$/, (m) => FALSY.test(m[1]))) {
      findings.push(
        problem(
          'fail',
          `off:${file}:${hit.line}`,
          `npm strict-ssl=false in ${file}:${hit.line}: npm accepts any certificate`,
          `npm config delete strict-ssl --location=${location}`,
          {evidence: [hit.text]},
        ),
      )
    }
  }

  return findings
}

/** git `http.sslVerify=false`, global or per URL, from every config git reads here (and GIT_CONFIG_* env). */
export async function gitSwitches(context: DoctorContext, projectDir: string): Promise<Finding[]> {
  const argv = ['git', '-C', projectDir, 'config', '--show-origin', '--get-regexp', '^http\\..*sslverify$']
  const result = await exec(argv, {env: context.options.env, extendEnv: false, timeoutMs: 5_000})
  if (result.missing) return [skipped('git-config', 'git config not checked: git is not installed')]
  const findings: Finding[] = []
  for (const line of result.stdout.split('\n')) {
    const match = /^(\S+)\t(\S+)\s*(.*)$/.exec(line)
    // A bare `sslVerify` with no value means true, so only an explicit false-like value counts.
    if (!match || !FALSY.test(match[3].trim())) continue
    const [, origin, key, value] = match
    const file = origin.startsWith('file:') ? origin.slice('file:'.length) : undefined
    findings.push(
      problem(
        'fail',
        `off:git:${origin}:${key}`,
        `git ${key}=${value} (${origin}): git accepts any certificate` +
          (key === 'http.sslverify' ? '' : ' for that URL'),
        file
          ? `git config --file ${file} --unset ${key}`
          : `Remove ${key} from the GIT_CONFIG_* variables of this shell`,
        {evidence: [line]},
      ),
    )
  }

  return findings
}

/** pip `trusted-host` naming a team host, in every pip.conf pip reads. */
export async function pipSwitches(
  context: DoctorContext,
  teamHosts: ReadonlySet<string>,
): Promise<Finding[]> {
  const {env} = context.options
  const xdg = env.XDG_CONFIG_HOME || join(context.home, '.config')
  const files = [
    env.PIP_CONFIG_FILE,
    '/etc/pip.conf',
    '/etc/xdg/pip/pip.conf',
    join(context.home, '.pip', 'pip.conf'),
    join(xdg, 'pip', 'pip.conf'),
    env.VIRTUAL_ENV && join(env.VIRTUAL_ENV, 'pip.conf'),
  ].filter((file): file is string => Boolean(file))
  const findings: Finding[] = []
  for (const file of new Set(files)) {
    for (const hit of await trustedHosts(file)) {
      const host = hit.text.replace(/:\d+$/, '').toLowerCase()
      if (!teamHosts.has(host)) continue
      findings.push(
        problem(
          'fail',
          `off:${file}:${hit.line}`,
          `pip trusted-host ${hit.text} in ${file}:${hit.line}: pip skips verification for a team host`,
          `Remove ${hit.text} from trusted-host in ${file} (line ${hit.line}); ` +
            'pip verifies it with the dev-certs bundle',
          {evidence: [`${file}:${hit.line}`]},
        ),
      )
    }
  }

  return findings
}

/** conda `ssl_verify: false` in the condarc files conda reads. */
export async function condaSwitches(context: DoctorContext): Promise<Finding[]> {
  const {env} = context.options
  const xdg = env.XDG_CONFIG_HOME || join(context.home, '.config')
  const files = [
    env.CONDARC,
    '/etc/conda/.condarc',
    '/etc/conda/condarc',
    join(xdg, 'conda', '.condarc'),
    join(context.home, '.conda', '.condarc'),
    join(context.home, '.condarc'),
    env.CONDA_PREFIX && join(env.CONDA_PREFIX, '.condarc'),
  ].filter((file): file is string => Boolean(file))
  const findings: Finding[] = []
  for (const file of new Set(files)) {
    for (const hit of await linesMatching(file, /^\s*ssl_verify\s*:\s*(\S+)\s*(#.*)?$/, (m) =>
      FALSY.test(m[1]),
    )) {
      findings.push(
        problem(
          'fail',
          `off:${file}:${hit.line}`,
          `conda ssl_verify false in ${file}:${hit.line}: conda accepts any certificate`,
          `conda config --file ${file} --set ssl_verify ${context.paths.bundle}`,
          {evidence: [hit.text]},
        ),
      )
    }
  }

  return findings
}

async function linesMatching(
  file: string,
  pattern: RegExp,
  accept: (match: RegExpExecArray) => boolean,
): Promise<Located[]> {
  const text = await readFile(file, 'utf8').catch(() => undefined)
  if (text === undefined) return []
  const hits: Located[] = []
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const match = pattern.exec(line)
    if (match && accept(match)) hits.push({file, line: i + 1, text: line.trim()})
  }

  return hits
}

/** Each host listed under `trusted-host`, which may continue on indented lines, with its line number. */
async function trustedHosts(file: string): Promise<Located[]> {
  const text = await readFile(file, 'utf8').catch(() => undefined)
  if (text === undefined) return []
  const hosts: Located[] = []
  let inKey = false
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const start = /^trusted[-_]host\s*[=:]\s*(.*)$/i.exec(line)
    const continued: boolean = inKey && /^\s+\S/.test(line)
    inKey = Boolean(start) || continued
    const values = start ? start[1] : continued ? line : ''
    for (const host of values.split(/\s+/).filter(Boolean)) hosts.push({file, line: i + 1, text: host})
  }

  return hosts
}

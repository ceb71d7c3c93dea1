import {execa} from 'execa'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

/** A bare repo with one commit, prepared for dumb-HTTP serving (`git update-server-info`). */
export async function makeServedRepo(dir: string): Promise<string> {
  const work = join(dir, 'work')
  const served = join(dir, 'served')
  await mkdir(work, {recursive: true})
  const env = {GIT_CONFIG_NOSYSTEM: '1', HOME: dir, PATH: '/usr/bin:/bin'}
  const git = (args: string[], cwd: string) => execa('git', args, {cwd, env, extendEnv: false})
  await git(['init', '-q', '-b', 'main'], work)
  await writeFile(join(work, 'README'), 'served by the test gateway\n')
  await git(['add', 'README'], work)
  await git(
    ['-c', 'user.name=test', '-c', 'user.email=test@example.test', 'commit', '-q', '-m', 'init'],
    work,
  )
  await git(['clone', '-q', '--bare', work, join(served, 'repo.git')], dir)
  await git(['update-server-info'], join(served, 'repo.git'))
  return served
}

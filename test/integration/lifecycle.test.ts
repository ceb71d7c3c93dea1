import {chmod, mkdir, readFile, readlink, stat, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {cleanEnv, dev} from '../helpers/cli.js'
import {makeRootCa, pinOf} from '../helpers/pki.js'
import {makeProject, removeProjects} from '../helpers/project.js'

afterAll(removeProjects)

describe('lifecycle', () => {
  const setup = (dir: string, home: string) =>
    dev(['certs', 'setup', '--no-system'], {cwd: dir, env: cleanEnv({DEV_CERTS_HOME: home})})

  it('a CA that expires within 30 days is warned about once a day, by the full and the fast path', async () => {
    const {dir, home} = await makeProject()
    const soon = makeRootCa({commonName: 'Expiring Root', days: 10})
    await writeFile(join(dir, 'certs', 'root.pem'), soon.certPem)
    const config = {
      authorities: [{fingerprints: [pinOf(soon.der)], name: 'team', source: 'file:certs/root.pem'}],
    }
    await writeFile(join(dir, '.devcerts.json'), JSON.stringify(config))
    const first = await setup(dir, home)
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stderr).toMatch(/warning: team: a team CA expires in (9|10) days, on \d{4}-\d\d-\d\d/)
    const sameDay = await setup(dir, home)
    expect(sameDay.stdout).toContain('Nothing to do')
    expect(sameDay.stderr).not.toContain('expires')
    await writeFile(join(home, '.expiry-warned'), '2000-01-01\n')
    const nextDay = await setup(dir, home)
    expect(nextDay.stdout).toContain('Nothing to do')
    expect(nextDay.stderr).toMatch(/warning: team: a team CA expires in (9|10) days/)
  })

  it('a .env that is a symlink stays a link, its target gets the block, and mode 0600 is kept', async () => {
    const {dir, home} = await makeProject()
    const target = join(dir, 'real.env')
    await writeFile(target, 'SECRET=1\n')
    await chmod(target, 0o600)
    await symlink('real.env', join(dir, '.env'))
    expect((await setup(dir, home)).exitCode).toBe(0)
    expect(await readlink(join(dir, '.env'))).toBe('real.env')
    expect(await readFile(target, 'utf8')).toContain('NODE_EXTRA_CA_CERTS=')
    expect((await stat(target)).mode & 0o777).toBe(0o600)
    const uninstall = await dev(['certs', 'uninstall'], {cwd: dir, env: cleanEnv({DEV_CERTS_HOME: home})})
    expect(uninstall.exitCode).toBe(0)
    expect(await readFile(target, 'utf8')).toBe('SECRET=1\n')
    expect(await readlink(join(dir, '.env'))).toBe('real.env')
  })

  it('rotation: both pinned roots are trusted, and dropping a pin drops that root', async () => {
    const {dir, home} = await makeProject()
    const oldRoot = makeRootCa({commonName: 'Old Team Root'})
    const newRoot = makeRootCa({commonName: 'New Team Root'})
    await writeFile(join(dir, 'certs', 'both.pem'), oldRoot.certPem + newRoot.certPem)
    const pins = (list: Array<typeof oldRoot>) => ({
      authorities: [
        {fingerprints: list.map((r) => pinOf(r.der)), name: 'team', source: 'file:certs/both.pem'},
      ],
    })
    await writeFile(join(dir, '.devcerts.json'), JSON.stringify(pins([oldRoot, newRoot])))
    expect((await setup(dir, home)).exitCode).toBe(0)
    const both = await readFile(join(home, 'team-ca.pem'), 'utf8')
    expect(both).toContain('Old Team Root')
    expect(both).toContain('New Team Root')
    await writeFile(join(dir, '.devcerts.json'), JSON.stringify(pins([newRoot])))
    expect((await setup(dir, home)).exitCode).toBe(0)
    const onlyNew = await readFile(join(home, 'team-ca.pem'), 'utf8')
    expect(onlyNew).not.toContain('Old Team Root')
    expect(onlyNew).toContain('New Team Root')
  })

  it('uninstall after an exit-3 setup whose admin commands were never run removes the staged files too', async () => {
    const {dir, home} = await makeProject()
    expect((await setup(dir, home)).exitCode).toBe(0)
    await mkdir(join(home, 'staged'))
    await writeFile(join(home, 'staged', 'team.crt'), '# dev-certs staged anchor\n')
    const uninstall = await dev(['certs', 'uninstall'], {cwd: dir, env: cleanEnv({DEV_CERTS_HOME: home})})
    expect(uninstall.exitCode, uninstall.stderr).toBe(0)
    await expect(stat(home)).rejects.toThrow()
  })
})

import {DevCertsCommand} from '../../cli/command.js'
import {failWith} from '../../cli/present.js'
import {applyPlan} from '../../plan/apply.js'
import {planRefresh} from '../../plan/refresh.js'
import {withLock} from '../../system/lock.js'
import {certsHome} from '../../system/paths.js'

export interface RefreshReport {
  bundle: string
  changed: boolean
  hashes: {current?: string; wanted: string}
  roots: {count: number; origin: string}
}

export default class CertsRefresh extends DevCertsCommand {
  static override description = `Rebuilds bundle.pem from today's OS roots and the team CAs that \
setup trusted, at the same path, so every variable that points at it keeps working after a \
ca-certificates update. It compares content hashes and rewrites nothing when nothing changed. New or \
rotated team CAs come through \`dev certs setup\`.

Exit codes: 0 refreshed or already current; 1 error (not set up).`
  static override enableJsonFlag = true
  static override summary = 'Regenerate the combined bundle when the OS roots change.'

  async run(): Promise<RefreshReport> {
    await this.parse(CertsRefresh)
    const paths = certsHome(this.config.dataDir)
    // Under the same lock as setup, so a refresh never interleaves with a setup writing the same bundle.
    const plan = await withLock(
      paths.home,
      (holder) => this.logToStderr(`waiting for lock: another dev-certs run (pid ${holder}) is working`),
      async () => {
        const planned = await planRefresh(paths)
        await applyPlan(planned.steps, {interactive: false, progress: () => {}, stagedDir: paths.staged})
        return planned
      },
    ).catch((error: unknown) => failWith(this, error))
    const report = {
      bundle: paths.bundle,
      changed: plan.steps.length > 0,
      hashes: plan.hashes,
      roots: plan.roots,
    }
    this.log(
      report.changed
        ? `Refreshed ${paths.bundle}: ${plan.roots.count} public roots from ${plan.roots.origin} + team CAs.`
        : `Nothing to refresh: ${paths.bundle} already matches ${plan.roots.origin}.`,
    )
    return report
  }
}

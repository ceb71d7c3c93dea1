import {showFingerprint} from '../../certs/fingerprint.js'
import {detectStore} from '../../stores/detect.js'
import {type Check} from '../check.js'
import {type Finding, ok, problem, SETUP_FIX, skipped} from '../finding.js'

/** Each team anchor is in the OS store, and trusted there by fingerprint (a file on disk is not trust). */
export const storeCheck: Check = {
  id: 'store',
  async run(context) {
    // The store setup would use: the config's system.store, else os-release.
    const config = await context.config().catch(() => undefined)
    const named = config?.system?.store
    const storeContext = {env: context.options.env, home: context.paths.home, platform: process.platform}
    const override = named ? {from: 'system.store', name: named} : undefined
    const detection = await detectStore(storeContext, {override})
    if (!detection.store) return [skipped('store', `OS store not checked: ${detection.reason}`)]
    const {store} = detection
    const [team, state] = await Promise.all([context.team(), context.state()])
    const managed = state.stores.includes(store.id)
    // --no-system is a choice only once setup has run for this project; before that, nobody chose anything.
    const setUp = config !== undefined && config.path in state.projects
    const findings: Finding[] = []
    for (const {authority, cert} of team.expected.filter((t) => t.cert.selfSigned)) {
      const id = `store:${store.id}:${cert.fingerprint}`
      const evidence = [showFingerprint(cert.fingerprint), detection.reason]
      const [present, trusted] = await Promise.all([
        store.isPresent?.(cert.fingerprint),
        store.isTrusted(cert.fingerprint),
      ])
      const name = `${authority}: "${cert.subject}"`
      if (trusted) {
        findings.push(ok(id, `${name} is trusted by the ${store.name}`, evidence))
      } else if (present) {
        findings.push(
          problem(
            'fail',
            id,
            `${name} is in the ${store.name} but not trusted yet: its bundle was not rebuilt`,
            SETUP_FIX,
            {evidence, repair: {kind: 'setup', system: true}},
          ),
        )
      } else {
        // Not managed (setup --no-system) is a choice: a warning, which --fix leaves alone. Browsers and
        // tools that read only the OS store still fail, which is why it is reported at all.
        findings.push(
          managed || !setUp
            ? problem('fail', id, `${name} is not in the ${store.name}`, SETUP_FIX, {
                evidence,
                repair: {kind: 'setup', system: true},
              })
            : problem(
                'warn',
                id,
                `${name} is not in the ${store.name} (setup ran with --no-system)`,
                SETUP_FIX,
                {
                  evidence,
                },
              ),
        )
      }
    }

    return findings
  },
  title: 'OS store',
}

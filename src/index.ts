export {type SetupHookResult} from './hooks/setup.js'
export {runSetup, type SetupReport} from './plan/setup-run.js'
export {runUninstall, type UninstallReport} from './plan/uninstall-run.js'

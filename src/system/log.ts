import createDebug from 'debug'

/** `DEBUG=dev-certs*` shows every command run, every file written and every decision taken. */
export function logger(area: string): createDebug.Debugger {
  return createDebug(`dev-certs:${area}`)
}

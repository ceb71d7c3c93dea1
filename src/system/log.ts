import {createRequire} from 'node:module'
import type createDebug from 'debug'

export type Log = (format: string, ...args: unknown[]) => void

// Required, not imported: `debug` and the tty and color detection it loads cost ~15 ms of every setup and doctor
// on a slow machine, and without DEBUG nothing of it is used. The bundler leaves this require to Node.
const load = createRequire(import.meta.url)
let debug: typeof createDebug | undefined

/** `DEBUG=dev-certs*` shows every command run, every file written and every decision taken. */
export function logger(area: string): Log {
  let log: createDebug.Debugger | undefined
  return (format, ...args) => {
    if (!process.env.DEBUG) return
    debug ??= load('debug') as typeof createDebug
    log ??= debug(`dev-certs:${area}`)
    log(format, ...args)
  }
}

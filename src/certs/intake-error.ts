import {DevCertsError} from '../system/errors.js'

/** Anything that stops a certificate from becoming a trust anchor. Always names the input. */
export class IntakeError extends DevCertsError {
  constructor(code: string, message: string, options: {cause?: unknown; fix?: string} = {}) {
    super(`INTAKE_${code}`, message, options)
  }
}

import {type DoctorContext} from './context.js'
import {type CheckId, type Finding} from './finding.js'

/** One independent check: it reads what it needs from the context and never throws for a finding. */
export interface Check {
  id: CheckId
  run(context: DoctorContext): Promise<Finding[]>
  title: string
}

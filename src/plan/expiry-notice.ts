import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

/** A team CA near its end is worth one warning a day, not one per `dev setup`. Built-ins only (hot path). */
const WARNED_FILE = '.expiry-warned'
const DAY = 86_400_000
export const EXPIRY_NOTICE_DAYS = 30

export function daysUntil(date: Date, now = new Date()): number {
  return Math.floor((date.getTime() - now.getTime()) / DAY)
}

/** True when `notAfter` is within 30 days and no warning was given today; records that one is given now. */
export async function claimDailyWarning(home: string, notAfter: Date, now = new Date()): Promise<boolean> {
  if (daysUntil(notAfter, now) > EXPIRY_NOTICE_DAYS) return false
  const today = now.toISOString().slice(0, 10)
  const path = join(home, WARNED_FILE)
  const last = await readFile(path, 'utf8').catch(() => '')
  if (last.trim() === today) return false
  await writeFile(path, `${today}\n`).catch(() => undefined)
  return true
}

export function expiryWarning(names: string, notAfter: Date, now = new Date()): string {
  const days = daysUntil(notAfter, now)
  return (
    `${names}: a team CA expires in ${days} day${days === 1 ? '' : 's'}, on ${notAfter.toISOString().slice(0, 10)}: ` +
    'ask the team for the new CA and its pin (both pins may be listed during the rotation).'
  )
}

import {readFile, stat} from 'node:fs/promises'

import {DevCertsError} from '../system/errors.js'

/**
 * Whether a file in DEV_CERTS_HOME is one we generated. A user may point DEV_CERTS_HOME at a directory of their
 * own: we never overwrite or delete a file there that we did not write.
 */
export async function isGenerated(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined)
  if (!info) return false
  if (info.isDirectory()) return path.endsWith('/staged')
  const head = (await readFile(path)).subarray(0, 256).toString('utf8')
  if (path.endsWith('.json')) return head.startsWith('{') && /"(blocks|version|env|files)"/.test(head)
  return head.startsWith('# dev-certs') || /^\d{4}-\d\d-\d\d\n$/.test(head)
}

export async function refuseForeign(path: string): Promise<void> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  )
  if (exists && !(await isGenerated(path))) {
    throw new DevCertsError(
      'HOME_FOREIGN_FILE',
      `${path} exists and was not written by dev-certs; it was left alone.`,
      {
        fix: 'Point DEV_CERTS_HOME at an empty directory (or unset it to use the default).',
      },
    )
  }
}

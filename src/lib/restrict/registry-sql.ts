import type pg from 'pg'

import {refused} from '../errors.js'
import {quoteLiteral} from '../db/sql.js'

/**
 * SQL that is true when the row (by its key text) is under an active
 * restriction; only a legal hold with `holdsOnly`; only a restriction (not a
 * hold) of someone other than the people whose root rows are `othersThan`.
 */
export function restrictedRowCondition(
  tableKey: string,
  keyText: string,
  options: {holdsOnly?: boolean; othersThan?: Array<{table: string; keys: string}>} = {},
): string {
  const own = (options.othersThan ?? []).map(root => `(o.table_name = ${quoteLiteral(root.table)} AND o.pk IN ${root.keys})`).join(' OR ')
  const others = options.othersThan
    ? ` AND NOT x.legal_hold${own ? ` AND NOT EXISTS (SELECT 1 FROM heroku_privacy.restricted_rows o WHERE o.restriction_id = x.id AND (${own}))` : ''}`
    : ''
  return `EXISTS (SELECT 1 FROM heroku_privacy.restricted_rows r JOIN heroku_privacy.restrictions x ON x.id = r.restriction_id
    WHERE x.lifted_at IS NULL${options.holdsOnly ? ' AND x.legal_hold' : ''}${others} AND r.table_name = ${quoteLiteral(tableKey)} AND r.pk = ${keyText})`
}

/**
 * Whether this database holds a restriction registry the session can read.
 * A registry the role may not read means holds and restrictions cannot be
 * honoured, so the caller must not change anything.
 */
export async function hasRegistry(client: pg.ClientBase | pg.Pool): Promise<boolean> {
  const {
    rows: [state],
  } = await client.query<{present: boolean; readable: boolean}>(`
    SELECT to_regnamespace('heroku_privacy') IS NOT NULL AS present,
           CASE WHEN to_regnamespace('heroku_privacy') IS NOT NULL THEN has_schema_privilege('heroku_privacy', 'USAGE') ELSE false END AS readable`)
  if (!state!.present) return false
  if (!state!.readable) {
    throw refused(
      'permission_denied',
      'This role may not read the restriction registry (schema heroku_privacy), so legal holds and restrictions cannot be honoured; grant it USAGE and SELECT there, or run as the role that owns it. Nothing was changed.',
    )
  }
  const {
    rows: [table],
  } = await client.query<{exists: boolean}>("SELECT to_regclass('heroku_privacy.restricted_rows') IS NOT NULL AS exists")
  return table!.exists
}

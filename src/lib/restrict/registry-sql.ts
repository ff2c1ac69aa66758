import type {TableInfo} from '../db/introspect.js'
import {quoteIdent} from '../db/sql.js'

/**
 * How a row's primary key is written in the registry: the value as text, or
 * a JSON array for composite keys. The same expression is used when rows are
 * registered, in the views and in the triggers, so they always agree.
 */
export function primaryKeyText(table: Pick<TableInfo, 'primaryKey'>, row: string): string {
  const columns = table.primaryKey.map(c => `${row}.${quoteIdent(c)}`)
  return columns.length === 1 ? `${columns[0]}::text` : `json_build_array(${columns.join(', ')})::text`
}

export const literal = (text: string) => `'${text.replace(/'/g, "''")}'`

/** SQL that is true when the row (by its key text) is under an active restriction, or only a legal hold. */
export function restrictedRowCondition(tableKey: string, keyText: string, options: {holdsOnly?: boolean} = {}): string {
  return `EXISTS (SELECT 1 FROM heroku_privacy.restricted_rows r JOIN heroku_privacy.restrictions x ON x.id = r.restriction_id
    WHERE x.lifted_at IS NULL${options.holdsOnly ? ' AND x.legal_hold' : ''} AND r.table_name = ${literal(tableKey)} AND r.pk = ${keyText})`
}

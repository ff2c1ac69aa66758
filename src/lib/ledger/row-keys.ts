import {createHmac} from 'node:crypto'

import type {DataMap} from '../datamap/schema.js'
import type {TableInfo} from '../db/introspect.js'
import {hmacSha256HexSql} from '../db/hmac-sql.js'
import {primaryKeyText} from '../db/sql.js'
import {ROW_DIGEST_SQL} from '../subject/keyset.js'

/**
 * How the ledger names a row it touched, without holding personal data:
 * a numeric or uuid primary key as it is (it means nothing outside the
 * database); a text key, or a key the map calls personal (an email used as
 * primary key), as a keyed hash `hmac:…`; a row without a primary key as a
 * keyed hash of its content `row:…`. Replay recognises rows by computing the
 * same expression on the copy.
 */

const TEXT_KEYS = new Set(['text', 'varchar', 'bpchar', 'citext', 'name'])

export function deriveRowKey(appKey: Buffer): Buffer {
  return createHmac('sha256', appKey).update('heroku-privacy row key').digest()
}

export function keyIsPersonal(table: TableInfo, map: DataMap): boolean {
  const columns = map.tables[table.key]?.columns ?? {}
  return table.primaryKey.some(name => {
    const column = table.columns.find(c => c.name === name)
    const category = columns[name]?.category
    return (column !== undefined && TEXT_KEYS.has(column.baseType)) || (category !== undefined && category !== 'none')
  })
}

/** SQL for the recorded name of row `alias` of the table; `param` binds the key so it never appears in the SQL. */
export function recordedKeySql(table: TableInfo, map: DataMap, alias: string, rowKey: Buffer, param: (value: unknown) => string): string {
  if (table.primaryKey.length === 0) return `'row:' || ${hmacSha256HexSql(`convert_to(${ROW_DIGEST_SQL(alias)}, 'UTF8')`, rowKey, param)}`
  const key = primaryKeyText(table, alias)
  return keyIsPersonal(table, map) ? `'hmac:' || ${hmacSha256HexSql(`convert_to(${key}, 'UTF8')`, rowKey, param)}` : key
}

/** The same for a row without a primary key whose digest was taken when it was chosen (before it changed). */
export function recordedDigestSql(digest: string, rowKey: Buffer, param: (value: unknown) => string): string {
  return `'row:' || ${hmacSha256HexSql(`convert_to(${digest}, 'UTF8')`, rowKey, param)}`
}

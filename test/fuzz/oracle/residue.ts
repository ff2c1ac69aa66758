import type pg from 'pg'

import type {OracleTable} from './catalog.js'
import {ident} from './catalog.js'

/**
 * A Postgres regular expression (for `~*`) that matches any of the
 * identifiers as a whole token: not preceded or followed by a letter or digit,
 * so 10.1.2.3 does not match inside 10.1.2.34.
 */
export function identifierPattern(identifiers: string[]): string {
  const escaped = identifiers.map(id => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return `(^|[^[:alnum:]])(${escaped.join('|')})($|[^[:alnum:]])`
}

export interface ColumnClaim {
  column: string
  /** JSON keys the map erases inside the column; absent: the whole value is erased. */
  keys?: string[]
}

export interface ResidueHit {
  md5: string
  column: string
}

const JSON_TYPES = new Set(['jsonb', 'json'])

/**
 * Which of the given rows (by md5) still hold one of the identifiers in a
 * column the map erases: anywhere in the value, or, where the map names JSON
 * keys, in what those keys hold at any depth (inside arrays too).
 */
export async function residueInRows(pool: pg.Pool, table: OracleTable, md5s: string[], claims: ColumnClaim[], pattern: string): Promise<ResidueHit[]> {
  if (md5s.length === 0 || claims.length === 0) return []
  const params: unknown[] = [md5s, pattern]
  const conditions = claims.map(claim => {
    const column = `t.${ident(claim.column)}`
    if (claim.keys && JSON_TYPES.has(table.types.get(claim.column) ?? '')) {
      params.push(claim.keys)
      return `EXISTS (SELECT 1 FROM unnest($${params.length}::text[]) k, jsonb_path_query(${column}::jsonb, ('strict $.**.' || to_json(k)::text)::jsonpath) v WHERE v::text ~* $2)`
    }
    return `coalesce(${column}::text ~* $2, false)`
  })
  const {rows} = await pool.query<{md5: string; hits: boolean[]}>(
    `SELECT md5(to_jsonb(t)::text) AS md5, ARRAY[${conditions.join(', ')}] AS hits FROM ${table.sql} t WHERE md5(to_jsonb(t)::text) = ANY($1)`,
    params,
  )
  return rows.flatMap(row => row.hits.flatMap((hit, i) => (hit ? [{md5: row.md5, column: claims[i]!.column}] : [])))
}

/** Rows per table that mention the identifiers anywhere: what is left of the person outside the map's claim. */
export async function mentionsByTable(pool: pg.Pool, tables: OracleTable[], pattern: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  await Promise.all(
    tables.map(async table => {
      const {
        rows: [row],
      } = await pool.query<{n: number}>(`SELECT count(*)::int AS n FROM ${table.sql} t WHERE to_jsonb(t)::text ~* $1`, [pattern])
      if (row!.n > 0) counts.set(table.key, row!.n)
    }),
  )
  return counts
}

/** Ledger rows (event details and recorded keys) that hold one of the identifiers. */
export async function residueInLedger(pool: pg.Pool, pattern: string): Promise<{events: number; keys: number}> {
  const {
    rows: [row],
  } = await pool.query<{events: number; keys: number}>(
    `
    SELECT (SELECT count(*)::int FROM heroku_privacy.events WHERE details::text ~* $1) AS events,
           (SELECT count(*)::int FROM heroku_privacy.event_rows WHERE pk ~* $1 OR table_name ~* $1) AS keys`,
    [pattern],
  )
  return row!
}

import type pg from 'pg'

import type {ColumnInfo, TableInfo} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'

/** Types whose values cannot be personal data on their own: flags and points in time (a birth date is a `date`, sampled). */
const UNSAMPLED_TYPES = new Set(['bool', 'timestamp', 'timestamptz', 'time', 'timetz', 'interval', 'bytea', 'tsvector'])

/**
 * Columns worth reading values from: everything but flags, timestamps and binary data; numbers too (phone numbers,
 * tax ids and coordinates are stored as numbers).
 */
export function sampledColumns(table: TableInfo): ColumnInfo[] {
  return table.columns.filter(c => !UNSAMPLED_TYPES.has(c.baseType))
}

/**
 * Reads at most `limit` rows. Large tables are sampled by block with
 * TABLESAMPLE SYSTEM, so the cost stays flat however big the table grows.
 */
export async function sampleTable(pool: pg.Pool, table: TableInfo, columns: ColumnInfo[], limit: number): Promise<Map<string, unknown[]>> {
  const samples = new Map<string, unknown[]>(columns.map(c => [c.name, []]))
  if (columns.length === 0) return samples
  const select = columns
    .map((c, i) =>
      c.isArray || c.baseType === 'json' || c.baseType === 'jsonb' ? `to_jsonb(${quoteIdent(c.name)}) AS c${i}` : `${quoteIdent(c.name)}::text AS c${i}`,
    )
    .join(', ')
  const percent = table.rowEstimate > limit * 20 ? Math.max(0.001, Math.min(100, (100 * limit * 10) / table.rowEstimate)) : undefined
  const from = percent === undefined ? quoteTable(table) : `${quoteTable(table)} TABLESAMPLE SYSTEM (${percent.toFixed(4)})`
  const {rows} = await pool.query(`SELECT ${select} FROM ${from} LIMIT ${Math.floor(limit)}`)
  for (const row of rows) {
    columns.forEach((c, i) => {
      const value = row[`c${i}`]
      if (value !== null && value !== undefined) samples.get(c.name)!.push(value)
    })
  }
  return samples
}

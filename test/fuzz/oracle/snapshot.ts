import type pg from 'pg'

import type {Json} from '../model.js'
import type {OracleTable} from './catalog.js'
import {ident} from './catalog.js'

export interface SnapshotRow {
  /** The primary key as a JSON array (text), or null for a table without one. */
  rid: string | null
  /** md5 of the row's canonical JSON (`to_jsonb(row)::text`): equal exactly when every column is. */
  md5: string
  text: string
  json: Record<string, Json>
}

export interface Snapshot {
  tables: Map<string, SnapshotRow[]>
  ledgerEvents: number
}

/** Every row of every table, read with plain SQL; the cases are small enough to hold in memory. */
export async function takeSnapshot(pool: pg.Pool, catalog: Map<string, OracleTable>): Promise<Snapshot> {
  const tables = new Map<string, SnapshotRow[]>()
  await Promise.all(
    [...catalog.values()].map(async table => {
      const rid = table.primaryKey.length > 0 ? `json_build_array(${table.primaryKey.map(c => `t.${ident(c)}`).join(', ')})::text` : 'NULL::text'
      const {rows} = await pool.query<{rid: string | null; md5: string; text: string}>(
        `SELECT ${rid} AS rid, md5(to_jsonb(t)::text) AS md5, to_jsonb(t)::text AS text FROM ${table.sql} t`,
      )
      tables.set(
        table.key,
        rows.map(r => ({...r, json: JSON.parse(r.text) as Record<string, Json>})),
      )
    }),
  )
  const {
    rows: [ledger],
  } = await pool.query<{n: number}>(
    `SELECT CASE WHEN to_regclass('heroku_privacy.events') IS NULL THEN 0 ELSE (SELECT count(*)::int FROM heroku_privacy.events) END AS n`,
  )
  return {tables, ledgerEvents: ledger!.n}
}

/** A cell as text, the way references are compared: null stays null, numbers and strings by their text. */
export function cellText(value: Json | undefined): string | undefined {
  if (value === null || value === undefined) return undefined
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

import type pg from 'pg'

import type {OracleForeignKey, OracleTable} from './catalog.js'
import {Snapshot, SnapshotRow, cellText} from './snapshot.js'

/**
 * The one change the oracle allows on rows the erasure does not claim: a
 * foreign key that pointed at a row the erasure deleted is cleared (by ON
 * DELETE SET NULL, or by the tool unlinking it first). Everything else in
 * such a row must stay byte for byte.
 */
export function clearedColumns(table: OracleTable, row: SnapshotRow, before: Snapshot, after: Snapshot): string[] {
  const cleared: string[] = []
  for (const fk of table.foreignKeys) {
    if (pointsAtDeletedRow(fk, row, before, after)) cleared.push(...fk.setNull)
  }
  return [...new Set(cleared)]
}

function pointsAtDeletedRow(fk: OracleForeignKey, row: SnapshotRow, before: Snapshot, after: Snapshot): boolean {
  const values = fk.columns.map(c => cellText(row.json[c]))
  if (values.some(v => v === undefined)) return false
  const matches = (r: SnapshotRow) => fk.referencedColumns.every((c, i) => cellText(r.json[c]) === values[i])
  return (before.tables.get(fk.references) ?? []).some(matches) && !(after.tables.get(fk.references) ?? []).some(matches)
}

/** md5 of each row's JSON with the named keys set to null, computed by Postgres so it matches to_jsonb(row)::text exactly. */
export async function md5WithNulls(pool: pg.Pool, rows: Array<{text: string; nulls: string[]}>): Promise<string[]> {
  if (rows.length === 0) return []
  const {rows: out} = await pool.query<{md5: string}>(
    `
    SELECT md5((u.j::jsonb || coalesce((SELECT jsonb_object_agg(k, NULL::jsonb) FROM jsonb_array_elements_text(u.n::jsonb) k), '{}'::jsonb))::text) AS md5
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(j, n, i) ORDER BY u.i`,
    [rows.map(r => r.text), rows.map(r => JSON.stringify(r.nulls))],
  )
  return out.map(r => r.md5)
}

/** Multiset difference by md5: which of `expected` are missing from `actual`, and which of `actual` are left over. */
export function matchRows(expected: Array<{index: number; md5: string}>, actual: SnapshotRow[]): {missing: number[]; leftover: SnapshotRow[]} {
  const available = new Map<string, SnapshotRow[]>()
  for (const row of actual) available.set(row.md5, [...(available.get(row.md5) ?? []), row])
  const missing: number[] = []
  for (const {index, md5} of expected) {
    const rows = available.get(md5)
    if (rows && rows.length > 0) rows.pop()
    else missing.push(index)
  }
  return {missing, leftover: [...available.values()].flat()}
}

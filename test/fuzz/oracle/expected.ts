import type pg from 'pg'

import type {OracleForeignKey, OracleTable} from './catalog.js'
import type {OracleTableSpec} from './map.js'
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

/** A change to a row: columns set to NULL, and elements taken out of array columns. */
export interface RowChange {
  nulls: string[]
  removed: Array<{column: string; values: string[]}>
}

/**
 * What --unlink-restricted-shared changes in a row shared with a restricted
 * person: the erased person's links, that is each `via` column pointing at a
 * row of theirs the erasure erases (`claimed`: their root row, deleted or
 * anonymised, and the like) is set to NULL, or, in an array of such
 * references, loses the elements that do (the rest stay, in order). A link to
 * a row the erasure leaves in place (itself shared with the restricted
 * person) is the restricted person's as much as theirs, and stays.
 */
export function erasedLinks(spec: OracleTableSpec | undefined, row: SnapshotRow, before: Snapshot, claimed: Map<string, Set<number>>): RowChange {
  const change: RowChange = {nulls: [], removed: []}
  for (const edge of spec?.edges ?? []) {
    const parentRows = before.tables.get(edge.parent) ?? []
    const erased = new Set([...(claimed.get(edge.parent) ?? [])].map(i => cellText(parentRows[i]!.json[edge.parentColumn])).filter(v => v !== undefined))
    const value = row.json[edge.column]
    if (Array.isArray(value) && !parentRows.some(r => Array.isArray(r.json[edge.parentColumn]))) {
      const values = value.map(cellText).filter((v): v is string => v !== undefined && erased.has(v))
      if (values.length > 0) change.removed.push({column: edge.column, values})
    } else if (erased.has(cellText(value) ?? '')) change.nulls.push(edge.column)
  }
  return change
}

/** md5 of a row's JSON after a change, computed by Postgres (jsonb in, jsonb out: numbers keep their digits). */
export async function md5AfterChange(pool: pg.Pool, text: string, change: RowChange): Promise<string> {
  let json = text
  if (change.nulls.length > 0) {
    const {rows} = await pool.query<{j: string}>(
      `SELECT ($1::jsonb || (SELECT jsonb_object_agg(k, NULL::jsonb) FROM jsonb_array_elements_text($2::jsonb) k))::text AS j`,
      [json, JSON.stringify(change.nulls)],
    )
    json = rows[0]!.j
  }
  for (const {column, values} of change.removed) {
    const {rows} = await pool.query<{j: string}>(
      `SELECT jsonb_set($1::jsonb, ARRAY[$2::text], coalesce((
         SELECT jsonb_agg(e ORDER BY n) FROM jsonb_array_elements($1::jsonb -> $2::text) WITH ORDINALITY x(e, n)
         WHERE e #>> '{}' IS NULL OR NOT (e #>> '{}' = ANY ($3::text[]))), '[]'::jsonb))::text AS j`,
      [json, column, values],
    )
    json = rows[0]!.j
  }
  const {rows} = await pool.query<{md5: string}>('SELECT md5($1::jsonb::text) AS md5', [json])
  return rows[0]!.md5
}

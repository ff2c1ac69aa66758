import type pg from 'pg'

import {hmacPads, hmacSha256HexWithPadsSql} from '../db/hmac-sql.js'
import {quoteIdent} from '../db/sql.js'
import {ALL_ROOT_KEYS_SQL, SubjectRows} from '../subject/keyset.js'
import {csvCell} from './csv-cells.js'
import {JsonCell, jsonLineSql} from './json-lines.js'

/** Other people's identifiers in a table, replaced by stable pseudonyms. */
export interface Pseudonymising {
  columns: string[]
}

/**
 * The prefix of the text a pseudonym is the HMAC of: `<table>.<column>` and a
 * NUL, then the value, so JSON and CSV exports give a person the same
 * pseudonym.
 */
export const pseudonymInput = (table: string, column: string) => `${table}.${column}\0`

/** Transaction settings holding the pseudonym key's two padded blocks (hex) while an export reads. */
const PSEUDONYM_PADS = {outer: 'heroku_privacy.pseudonym_outer', inner: 'heroku_privacy.pseudonym_inner'}

/**
 * Hands the pseudonym key to the export's transaction (bound, and gone at its
 * end), so the statements that pseudonymise take no bound parameters and can
 * run as COPY; the key never appears in their text.
 */
export async function usePseudonymKey(client: pg.ClientBase, key: Buffer): Promise<void> {
  const {outer, inner} = hmacPads(key)
  await client.query(`SELECT set_config('${PSEUDONYM_PADS.outer}', $1, true), set_config('${PSEUDONYM_PADS.inner}', $2, true)`, [
    outer.toString('hex'),
    inner.toString('hex'),
  ])
}

/** A padded block as bytea, read once per statement (an InitPlan) rather than once per row. */
const padSql = (setting: string) => `(SELECT decode(current_setting('${setting}'), 'hex'))`

/**
 * The people's rows of one table as one streamed query, selected through
 * their key set. Other people's identifiers become `person-` and 12 hex
 * digits of their HMAC, computed by Postgres with the key usePseudonymKey
 * set; a value is the people's own (and kept) when it is one of their root
 * keys or a value a `via` edge on that column reached them by. JSON rows are
 * encoded by Postgres itself, one line each as row_to_json writes it (see
 * jsonLineSql): binary values as base64, timestamps in the session's time
 * zone (the export sets UTC). CSV cells are
 * text encoded by Postgres too (see csvCell). `prefix` (the key sets' WITH
 * clause on a follower, else '') goes before the statement that reads
 * `select`, whose one column is a JSON line (JSON) or whose columns are the
 * CSV's.
 */
export function subjectRowsSelect(
  rows: SubjectRows,
  tableKey: string,
  columns: string[],
  pseudonymising: Pseudonymising,
  format: 'json' | 'csv',
): {prefix: string; select: string} {
  const set = rows.sets.get(tableKey)!
  const table = set.planned.table
  // The values an edge on the column itself reached the people by: another edge's parent (a million documents) says nothing about this column.
  const ownValues = (column: string) =>
    [
      ALL_ROOT_KEYS_SQL,
      ...set.planned.edges
        .filter(e => e.column === column && rows.sets.has(e.parent))
        .map(e => `SELECT p.${rows.sets.get(e.parent)!.carried.get(e.parentColumn)}::text FROM ${rows.sets.get(e.parent)!.relation} p`),
    ].join(' UNION ')
  const base64 = (value: string) => `translate(encode(${value}, 'base64'), E'\\n', '')`
  /** A pseudonymised column's value: jsonb for JSON, text for CSV. */
  const pseudonymised = (name: string) => {
    const ident = `t.${quoteIdent(name)}`
    // The prefix is written as hex: it is made of the table's and column's names, never of a value read from anywhere.
    const prefix = `decode('${Buffer.from(pseudonymInput(tableKey, name)).toString('hex')}', 'hex')`
    const hmac = hmacSha256HexWithPadsSql(`${prefix} || convert_to(${ident}::text, 'UTF8')`, {
      outer: padSql(PSEUDONYM_PADS.outer),
      inner: padSql(PSEUDONYM_PADS.inner),
    })
    const kept = format === 'json' ? `to_jsonb(${ident})` : `${ident}::text`
    const replaced = format === 'json' ? `to_jsonb('person-' || left(${hmac}, 12))` : `'person-' || left(${hmac}, 12)`
    return `CASE WHEN ${ident} IS NULL OR ${ident}::text IN (${ownValues(name)}) THEN ${kept} ELSE ${replaced} END`
  }
  const jsonCell = (name: string): JsonCell => {
    if (pseudonymising.columns.includes(name)) return {name, value: pseudonymised(name), jsonb: true}
    const column = table.columns.find(c => c.name === name)!
    const ident = `t.${quoteIdent(name)}`
    if (column.baseType !== 'bytea') return {name, value: ident, column}
    const value = column.isArray
      ? `CASE WHEN ${ident} IS NULL THEN NULL ELSE ARRAY(SELECT ${base64('e')} FROM unnest(${ident}) WITH ORDINALITY AS u(e, i) ORDER BY i) END`
      : base64(ident)
    return {name, value, column}
  }
  const csvColumn = (name: string) => {
    const value = pseudonymising.columns.includes(name)
      ? pseudonymised(name)
      : csvCell(
          table.columns.find(c => c.name === name)!,
          `t.${quoteIdent(name)}`,
        )
    return `${value} AS ${quoteIdent(name)}`
  }
  const output = format === 'json' ? jsonLineSql(columns.map(jsonCell)) : columns.map(csvColumn).join(', ')
  const select = `SELECT ${output} FROM ${set.from} t WHERE ${rows.belongs(tableKey, 't')}`
  return {prefix: rows.prefix([tableKey]), select}
}

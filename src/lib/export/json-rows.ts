import type {TableInfo} from '../db/introspect.js'
import {hmacSha256HexSql} from '../db/hmac-sql.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import type {RowSelection} from '../subject/rows.js'

export interface Pseudonymising {
  /** Other people's identifiers in this table. */
  columns: string[]
  /** Values that are the people's own (left as they are), as text. */
  own: string[]
  key: Buffer
}

/**
 * The prefix of the text a pseudonym is the HMAC of: `<table>.<column>` and a
 * NUL, then the value. Shared with the row-by-row path so JSON and CSV
 * exports give a person the same pseudonym.
 */
export const pseudonymInput = (table: string, column: string) => `${table}.${column}\0`

/**
 * One query that has Postgres encode each of the people's rows as a line of
 * JSON (row_to_json), so Node neither decodes every value into an object nor
 * encodes it again: it only joins lines. Binary values come out as base64 and
 * other people's identifiers as `person-` and 12 hex digits of their HMAC;
 * timestamps carry the session's offset, which the export sets to UTC.
 */
export function jsonRowsQuery(table: TableInfo, key: string, columns: string[], selection: RowSelection, pseudonymising: Pseudonymising): {sql: string; params: unknown[]} {
  const params: unknown[] = [...selection.params]
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  let own: string | undefined
  const expressions = columns.map(name => {
    const column = table.columns.find(c => c.name === name)!
    const ident = quoteIdent(name)
    if (pseudonymising.columns.includes(name)) {
      own ??= param(pseudonymising.own)
      const hmac = hmacSha256HexSql(`${param(Buffer.from(pseudonymInput(key, name)))}::bytea || convert_to(${ident}::text, 'UTF8')`, pseudonymising.key, param)
      return `CASE WHEN ${ident} IS NULL OR ${ident}::text = ANY(${own}::text[]) THEN to_jsonb(${ident}) ELSE to_jsonb('person-' || left(${hmac}, 12)) END AS ${ident}`
    }
    if (column.baseType !== 'bytea') return ident
    const base64 = (value: string) => `translate(encode(${value}, 'base64'), E'\\n', '')`
    return column.isArray
      ? `CASE WHEN ${ident} IS NULL THEN NULL ELSE ARRAY(SELECT ${base64('e')} FROM unnest(${ident}) WITH ORDINALITY AS u(e, i) ORDER BY i) END AS ${ident}`
      : `${base64(ident)} AS ${ident}`
  })
  return {sql: `SELECT row_to_json(r)::text FROM (SELECT ${expressions.join(', ')} FROM ${quoteTable(table)} WHERE ${selection.where}) r`, params}
}

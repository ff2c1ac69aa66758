import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import {SchemaInfo, isCaseInsensitiveColumn} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import {ExitCode, PrivacyError} from '../errors.js'
import {ROOT_KEYS_SETTING} from './keyset.js'
import type {SubjectLookup} from './parse.js'

export interface ResolvedSubject {
  lookup: SubjectLookup
  /** The root row's key. */
  key: string
}

/**
 * Finds the root row of each person named by a lookup. The value is always a
 * bound parameter; one query per lookup column, whatever the batch size.
 * Columns the schema compares without case (citext, a unique index on
 * `lower(column)`) match without case. Nobody found, or several people
 * found, is an error that names the lookup's position, never its value.
 */
export async function resolveSubjects(client: pg.ClientBase, map: DataMap, lookups: SubjectLookup[], schema?: SchemaInfo): Promise<ResolvedSubject[]> {
  const {table, key, lookup: allowed} = map.subject
  for (const lookup of lookups) {
    if (!allowed.includes(lookup.column)) {
      throw new PrivacyError(`--subject names ${lookup.column}, which is not a lookup column of ${table}; the data map allows ${allowed.join(', ')}.`, {code: 'unknown_lookup', exitCode: ExitCode.usage})
    }
  }
  const byColumn = new Map<string, string[]>()
  for (const lookup of lookups) byColumn.set(lookup.column, [...(byColumn.get(lookup.column) ?? []), lookup.value])
  const matches = new Map<string, string[]>()
  const rootTable = schema?.tables.get(table)
  const caseless = (column: string) => rootTable !== undefined && isCaseInsensitiveColumn(rootTable, column)
  const matchKey = (column: string, value: string) => `${column}\0${caseless(column) ? value.toLowerCase() : value}`
  for (const [column, values] of byColumn) {
    let rows: Array<{value: string; key: string}>
    const value = caseless(column) ? `lower(${quoteIdent(column)}::text)` : `${quoteIdent(column)}::text`
    const type = rootTable?.columns.find(c => c.name === column)
    const condition = !caseless(column) ? `${quoteIdent(column)} = ANY($1)`
      : type?.baseType === 'citext' ? `${quoteIdent(column)} = ANY($1::${type.type}[])`
        : `${value} = ANY (SELECT lower(v) FROM unnest($1::text[]) v)`
    try {
      ({rows} = await client.query<{value: string; key: string}>(
        `SELECT ${value} AS value, ${quoteIdent(key)}::text AS key FROM ${quoteTable(table)} WHERE ${condition}`,
        [values],
      ))
    } catch (error) {
      if ((error as {code?: string}).code === '22P02') {
        throw new PrivacyError(`A --subject value is not valid for ${table}.${column} (wrong type); check the lookup.`, {code: 'invalid_lookup_value', exitCode: ExitCode.usage})
      }
      throw error
    }
    for (const row of rows) matches.set(matchKey(column, row.value), [...(matches.get(matchKey(column, row.value)) ?? []), row.key])
  }
  return lookups.map((lookup, index) => {
    const keys = matches.get(matchKey(lookup.column, lookup.value)) ?? []
    const which = lookups.length > 1 ? ` (subject ${index + 1} of ${lookups.length}, by ${lookup.column})` : ` by ${lookup.column}`
    if (keys.length === 0) throw new PrivacyError(`No subject found${which} in ${table}. Check the value, or look the person up by another lookup column.`, {code: 'subject_not_found'})
    if (keys.length > 1) throw new PrivacyError(`The lookup${which} matches ${keys.length} people in ${table}; use a more precise key such as ${key}.`, {code: 'subject_ambiguous'})
    return {lookup, key: keys[0]!}
  })
}

/** The distinct root keys of the people, set for the transaction so that their rows can be chosen inside Postgres. */
export async function useRootKeys(client: pg.ClientBase, subjects: ResolvedSubject[]): Promise<string[]> {
  const keys = [...new Set(subjects.map(s => s.key))]
  await client.query(`SELECT set_config('${ROOT_KEYS_SETTING}', $1, true)`, [JSON.stringify(keys)])
  return keys
}

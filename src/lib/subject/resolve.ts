import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import {ExitCode, PrivacyError} from '../errors.js'
import type {SubjectLookup} from './parse.js'

export interface ResolvedSubject {
  lookup: SubjectLookup
  /** The root row's key. */
  key: string
}

/**
 * Finds the root row of each person named by a lookup. The value is always a
 * bound parameter; one query per lookup column, whatever the batch size.
 * Nobody found, or several people found, is an error that names the lookup's
 * position, never its value.
 */
export async function resolveSubjects(client: pg.ClientBase, map: DataMap, lookups: SubjectLookup[]): Promise<ResolvedSubject[]> {
  const {table, key, lookup: allowed} = map.subject
  for (const lookup of lookups) {
    if (!allowed.includes(lookup.column)) {
      throw new PrivacyError(`--subject names ${lookup.column}, which is not a lookup column of ${table}; the data map allows ${allowed.join(', ')}.`, {code: 'unknown_lookup', exitCode: ExitCode.usage})
    }
  }
  const byColumn = new Map<string, string[]>()
  for (const lookup of lookups) byColumn.set(lookup.column, [...(byColumn.get(lookup.column) ?? []), lookup.value])
  const matches = new Map<string, string[]>()
  for (const [column, values] of byColumn) {
    let rows: Array<{value: string; key: string}>
    try {
      ({rows} = await client.query<{value: string; key: string}>(
        `SELECT ${quoteIdent(column)}::text AS value, ${quoteIdent(key)}::text AS key FROM ${quoteTable(table)} WHERE ${quoteIdent(column)} = ANY($1)`,
        [values],
      ))
    } catch (error) {
      if ((error as {code?: string}).code === '22P02') {
        throw new PrivacyError(`A --subject value is not valid for ${table}.${column} (wrong type); check the lookup.`, {code: 'invalid_lookup_value', exitCode: ExitCode.usage})
      }
      throw error
    }
    for (const row of rows) matches.set(`${column}\0${row.value}`, [...(matches.get(`${column}\0${row.value}`) ?? []), row.key])
  }
  return lookups.map((lookup, index) => {
    const keys = matches.get(`${lookup.column}\0${lookup.value}`) ?? []
    const which = lookups.length > 1 ? ` (subject ${index + 1} of ${lookups.length}, by ${lookup.column})` : ` by ${lookup.column}`
    if (keys.length === 0) throw new PrivacyError(`No subject found${which} in ${table}. Check the value, or look the person up by another lookup column.`, {code: 'subject_not_found'})
    if (keys.length > 1) throw new PrivacyError(`The lookup${which} matches ${keys.length} people in ${table}; use a more precise key such as ${key}.`, {code: 'subject_ambiguous'})
    return {lookup, key: keys[0]!}
  })
}

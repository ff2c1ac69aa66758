import type pg from 'pg'

import {DataMap, SubjectKind, subjectKinds} from '../datamap/schema.js'
import {SchemaInfo, isCaseInsensitiveColumn} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import {PrivacyError} from '../errors.js'
import {ROOT_KEYS_SETTING} from './keyset.js'
import type {SubjectLookup} from './parse.js'

export interface ResolvedSubject {
  lookup: SubjectLookup
  /** The kind of person the lookup found (a person who is two kinds at once resolves once per kind with --all-kinds). */
  kind: string
  /** The root row's key, in the kind's table. */
  key: string
}

/** Which kinds of person a lookup may name: one (`kind`), all of them (`allKinds`), or whichever kind alone finds it. */
export interface KindChoice {
  kind?: string
  allKinds?: boolean
}

function chosenKinds(map: DataMap, choice: KindChoice): SubjectKind[] {
  const kinds = subjectKinds(map)
  if (!choice.kind) return kinds
  const kind = kinds.find(k => k.name === choice.kind)
  if (!kind)
    throw new PrivacyError(`${choice.kind} is not a kind of person in the data map; it has ${kinds.map(k => k.name).join(', ')}.`, {
      code: 'unknown_kind',
    })
  return [kind]
}

/** Appends in place: a batch of many thousand lookups must not copy its lists once per lookup. */
function addTo(lists: Map<string, string[]>, key: string, value: string): void {
  const list = lists.get(key)
  if (list) list.push(value)
  else lists.set(key, [value])
}

/** The people's root keys in one kind's table, by lookup column: one query per column, whatever the batch size. */
async function findInKind(
  client: pg.ClientBase,
  kind: SubjectKind,
  lookups: SubjectLookup[],
  schema?: SchemaInfo,
): Promise<(lookup: SubjectLookup) => string[]> {
  const rootTable = schema?.tables.get(kind.table)
  const caseless = (column: string) => rootTable !== undefined && isCaseInsensitiveColumn(rootTable, column)
  const matchKey = (column: string, value: string) => `${column}\0${caseless(column) ? value.toLowerCase() : value}`
  const byColumn = new Map<string, string[]>()
  for (const lookup of lookups) addTo(byColumn, lookup.column, lookup.value)
  const matches = new Map<string, string[]>()
  for (const [column, values] of byColumn) {
    const value = caseless(column) ? `lower(${quoteIdent(column)}::text)` : `${quoteIdent(column)}::text`
    const type = rootTable?.columns.find(c => c.name === column)
    const condition = !caseless(column)
      ? `${quoteIdent(column)} = ANY($1)`
      : type?.baseType === 'citext'
        ? `${quoteIdent(column)} = ANY($1::${type.type}[])`
        : `${value} = ANY (SELECT lower(v) FROM unnest($1::text[]) v)`
    let rows: Array<{value: string; key: string}>
    try {
      ;({rows} = await client.query<{value: string; key: string}>(
        `SELECT ${value} AS value, ${quoteIdent(kind.key)}::text AS key FROM ${quoteTable(kind.table)} WHERE ${condition}`,
        [values],
      ))
    } catch (error) {
      if ((error as {code?: string}).code === '22P02') {
        throw new PrivacyError(`A lookup value is not valid for ${kind.table}.${column} (wrong type); check the lookup.`, {code: 'invalid_lookup_value'})
      }
      throw error
    }
    for (const row of rows) addTo(matches, matchKey(column, row.value), row.key)
  }
  return lookup => matches.get(matchKey(lookup.column, lookup.value)) ?? []
}

/**
 * Finds the root row of each person named by a lookup, in the kind the
 * lookup names them in. The value is always a bound parameter. Columns the
 * schema compares without case (citext, a unique index on `lower(column)`)
 * match without case. Nobody found, several people found in one kind, or
 * different people found in different kinds without --all-kinds, is an
 * error that names the lookup's position, never its value.
 */
export async function resolveSubjects(
  client: pg.ClientBase,
  map: DataMap,
  lookups: SubjectLookup[],
  schema?: SchemaInfo,
  choice: KindChoice = {},
): Promise<ResolvedSubject[]> {
  const kinds = chosenKinds(map, choice)
  for (const lookup of lookups) {
    if (!kinds.some(k => k.lookup.includes(lookup.column))) {
      const allowed = kinds.map(k => `${k.lookup.join(', ')} (${k.name})`).join('; ')
      throw new PrivacyError(
        `The lookup names ${lookup.column}, which is not a lookup column of ${kinds.length === 1 ? kinds[0]!.table : 'any kind of person'}; the data map allows ${allowed}.`,
        {code: 'unknown_lookup'},
      )
    }
  }
  const found = new Map<string, (lookup: SubjectLookup) => string[]>()
  for (const kind of kinds)
    found.set(
      kind.name,
      await findInKind(
        client,
        kind,
        lookups.filter(l => kind.lookup.includes(l.column)),
        schema,
      ),
    )
  return lookups.flatMap((lookup, index) => {
    const which = lookups.length > 1 ? ` (subject ${index + 1} of ${lookups.length}, by ${lookup.column})` : ` by ${lookup.column}`
    const hits = kinds
      .filter(k => k.lookup.includes(lookup.column))
      .map(kind => ({kind, keys: found.get(kind.name)!(lookup)}))
      .filter(h => h.keys.length > 0)
    if (hits.length === 0)
      throw new PrivacyError(
        `No subject found${which} in ${kinds
          .filter(k => k.lookup.includes(lookup.column))
          .map(k => k.table)
          .join(' or ')}. Check the value, or look the person up by another lookup column.`,
        {code: 'subject_not_found'},
      )
    for (const hit of hits) {
      if (hit.keys.length > 1)
        throw new PrivacyError(`The lookup${which} matches ${hit.keys.length} people in ${hit.kind.table}; use a more precise key such as ${hit.kind.key}.`, {
          code: 'subject_ambiguous',
        })
    }
    if (hits.length > 1 && !choice.allKinds) {
      throw new PrivacyError(`The lookup${which} finds someone in each of ${hits.map(h => h.kind.name).join(' and ')}.`, {code: 'subject_in_several_kinds'})
    }
    return hits.map(hit => ({lookup, kind: hit.kind.name, key: hit.keys[0]!}))
  })
}

/** How many people the resolved lookups name: lookups that reach a common root row are one person. */
export function countPeople(subjects: ResolvedSubject[]): number {
  const parent = subjects.map((_, i) => i)
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)))
  const byRow = new Map<string, number>()
  const byLookup = new Map<SubjectLookup, number>()
  subjects.forEach((subject, i) => {
    for (const other of [byRow.get(`${subject.kind}\0${subject.key}`), byLookup.get(subject.lookup)]) {
      if (other !== undefined) parent[find(i)] = find(other)
    }
    byRow.set(`${subject.kind}\0${subject.key}`, i)
    byLookup.set(subject.lookup, i)
  })
  return new Set(subjects.map((_, i) => find(i))).size
}

/** The kinds the people were found in, in the map's order. */
export function kindsOf(map: DataMap, subjects: ResolvedSubject[]): string[] {
  const used = new Set(subjects.map(s => s.kind))
  return subjectKinds(map)
    .map(k => k.name)
    .filter(name => used.has(name))
}

/** The value of ROOT_KEYS_SETTING for the people: their distinct root keys by kind, as JSON. */
export function rootKeysSetting(subjects: ResolvedSubject[]): string {
  const byKind = new Map<string, Set<string>>()
  for (const subject of subjects) {
    const keys = byKind.get(subject.kind)
    if (keys) keys.add(subject.key)
    else byKind.set(subject.kind, new Set([subject.key]))
  }
  return JSON.stringify(Object.fromEntries([...byKind].map(([kind, keys]) => [kind, [...keys]])))
}

/** Sets the people's root keys for the transaction, so that their rows can be chosen inside Postgres; returns how many people. */
export async function useRootKeys(client: pg.ClientBase, subjects: ResolvedSubject[]): Promise<number> {
  await client.query(`SELECT set_config('${ROOT_KEYS_SETTING}', $1, true)`, [rootKeysSetting(subjects)])
  return countPeople(subjects)
}

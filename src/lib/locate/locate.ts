import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'
import type {ProgressSink} from '../progress.js'
import type {SubjectLookup} from '../subject/parse.js'
import {everyTable, searchableColumns} from './columns.js'
import type {IdentifierKind} from './identifiers.js'
import {PersonSearch, findPeople} from './person.js'
import {searchIdentifiers} from './search.js'

export interface LocateOptions {
  /** Tables read at once, each on its own connection (the pool needs one more, to cancel them when time runs out). */
  jobs: number
  /** When to stop, in milliseconds of `clock`; tables not read by then are listed as not reached. */
  deadline?: number
  clock?: () => number
  signal?: AbortSignal
  progress?: ProgressSink
}

/** A column where the people appear: counts only. */
export interface Appearance {
  table: string
  column: string
  rows: number
  /** Whether these rows are ones the data map ties to the people; false for someone else's row, or a table the map does not link. */
  linked: boolean
  /** Whether the table is in the data map at all. */
  inMap: boolean
}

export interface LocateReport {
  subjects: number
  /** How many identifiers of each kind were looked for; never the identifiers themselves. */
  identifiers: Partial<Record<IdentifierKind, number>>
  /** Linked appearances first, then the others, each by table and column. */
  found: Appearance[]
  searched: {tables: number; columns: number; rows: number}
  /** Tables the time budget did not let it read to the end. */
  notReached: string[]
  /** Tables this role may not read. */
  unreadable: string[]
  /** Tables whose row-level security hides rows from this role: only the visible rows were searched. */
  partlyVisible: string[]
}

/**
 * Searches every text, JSON, array and network-address column of every
 * table, mapped or not, for the people's identifiers, and says where they
 * appear: in the rows the map ties to them, or anywhere else.
 */
export async function searchEverywhere(pool: pg.Pool, map: DataMap, schema: SchemaInfo, people: PersonSearch, options: LocateOptions): Promise<LocateReport> {
  const {targets, unreadable, partlyVisible} = everyTable(schema, await searchableColumns(pool))
  for (const target of targets) {
    const own = people.rows.get(target.table.key)
    if (own) Object.assign(target, {linked: own.condition, params: own.params})
  }
  options.progress?.({kind: 'step', message: `searching ${targets.length} tables for ${people.identifiers.length} identifiers`})
  const outcome = await searchIdentifiers({pool}, targets, people.identifiers, {
    concurrency: options.jobs, deadline: options.deadline, clock: options.clock, signal: options.signal, progress: options.progress,
  })
  const found: Appearance[] = []
  for (const match of outcome.matches) {
    const inMap = map.tables[match.table] !== undefined
    if (match.linkedRows > 0) found.push({table: match.table, column: match.column, rows: match.linkedRows, linked: true, inMap})
    if (match.rows > match.linkedRows) found.push({table: match.table, column: match.column, rows: match.rows - match.linkedRows, linked: false, inMap})
  }
  found.sort((a, b) => Number(b.linked) - Number(a.linked) || a.table.localeCompare(b.table) || a.column.localeCompare(b.column))
  const identifiers: LocateReport['identifiers'] = {}
  for (const {kind} of people.identifiers) identifiers[kind] = (identifiers[kind] ?? 0) + 1
  const searched = new Set(outcome.searched.map(s => s.table))
  return {
    subjects: people.subjects,
    identifiers,
    found,
    searched: {
      tables: searched.size,
      columns: targets.filter(t => searched.has(t.table.key)).reduce((sum, t) => sum + t.columns.length, 0),
      rows: outcome.searched.reduce((sum, s) => sum + s.rows, 0),
    },
    notReached: outcome.notReached,
    unreadable,
    partlyVisible,
  }
}

/** Reads the map, finds the people it names and their identifiers, on one connection that is handed back before the search. */
export async function preparePeople(pool: pg.Pool, mapFile: string, subjects: SubjectLookup[]): Promise<{map: DataMap; schema: SchemaInfo; people: PersonSearch}> {
  const client = await pool.connect()
  try {
    const {loaded, schema} = await loadMapForDatabase(mapFile, client)
    return {map: loaded.map, schema, people: await findPeople(client, loaded.map, schema, subjects)}
  } finally {
    client.release()
  }
}

/** `privacy:locate`: where in the whole database the people appear, linked by the map or not. */
export async function locateSubjects(input: {pool: pg.Pool; mapFile: string; subjects: SubjectLookup[]} & LocateOptions): Promise<LocateReport> {
  input.progress?.({kind: 'step', message: 'finding the person and their identifiers'})
  const {map, schema, people} = await preparePeople(input.pool, input.mapFile, input.subjects)
  return searchEverywhere(input.pool, map, schema, people, input)
}

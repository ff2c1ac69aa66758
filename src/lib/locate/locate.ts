import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'
import {begin} from '../db/transaction.js'
import type {ProgressSink} from '../progress.js'
import type {SubjectLookup} from '../subject/parse.js'
import type {KindChoice} from '../subject/resolve.js'
import {everyTable, searchableColumns} from './columns.js'
import type {IdentifierKind} from './identifiers.js'
import {PersonSearch, findPeople} from './person.js'
import {SearchSource, searchIdentifiers} from './search.js'

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
export async function searchEverywhere(
  source: SearchSource,
  map: DataMap,
  schema: SchemaInfo,
  people: PersonSearch,
  options: LocateOptions,
): Promise<LocateReport> {
  const all = everyTable(schema, await searchableColumns('pool' in source ? source.pool : source.client))
  const {unreadable, partlyVisible} = all
  const targets = all.targets.map(target => {
    const own = people.rows.get(target.table.key)
    return own ? {...target, linked: own.condition, with: own.with} : target
  })
  options.progress?.({kind: 'step', message: `searching ${targets.length} tables for ${people.identifiers.length} identifiers`})
  const outcome = await searchIdentifiers(source, targets, people.identifiers, {
    concurrency: options.jobs,
    deadline: options.deadline,
    clock: options.clock,
    signal: options.signal,
    progress: options.progress,
    settings: people.settings,
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

interface Prepared {
  map: DataMap
  schema: SchemaInfo
  people: PersonSearch
}

/**
 * Reads the map and finds the people on one connection, then runs `work`:
 * on the pool once that connection is handed back, or on the connection
 * itself, inside its transaction, when the people's rows live in its
 * temporary key sets.
 */
async function withPeople<T>(
  pool: pg.Pool,
  mapFile: string,
  subjects: SubjectLookup[],
  kinds: KindChoice,
  work: (prepared: Prepared, source: SearchSource) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  let released = false
  try {
    await begin(client, {isolation: 'repeatable read'})
    const {loaded, schema} = await loadMapForDatabase(mapFile, client)
    const prepared = {map: loaded.map, schema, people: await findPeople(client, loaded.map, schema, subjects, kinds)}
    if (prepared.people.onThisClientOnly) {
      const result = await work(prepared, {client})
      await client.query('ROLLBACK')
      return result
    }
    await client.query('COMMIT')
    client.release()
    released = true
    return await work(prepared, {pool})
  } catch (error) {
    if (!released) await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    if (!released) client.release()
  }
}

/** Reads the map, and finds the people it names and their identifiers. */
export function preparePeople(pool: pg.Pool, mapFile: string, subjects: SubjectLookup[], kinds: KindChoice = {}): Promise<Prepared> {
  return withPeople(pool, mapFile, subjects, kinds, async prepared => prepared)
}

/** `privacy:locate`: where in the whole database the people appear, linked by the map or not. */
export async function locateSubjects(
  input: {pool: pg.Pool; mapFile: string; subjects: SubjectLookup[]; kinds?: KindChoice} & LocateOptions,
): Promise<LocateReport> {
  input.progress?.({kind: 'step', message: 'finding the person and their identifiers'})
  return withPeople(input.pool, input.mapFile, input.subjects, input.kinds ?? {}, (prepared, source) =>
    searchEverywhere(source, prepared.map, prepared.schema, prepared.people, input),
  )
}

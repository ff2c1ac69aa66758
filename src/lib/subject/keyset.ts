import type pg from 'pg'

import type {SchemaInfo, TableInfo} from '../db/introspect.js'
import {SqlParams} from '../db/params.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import {PrivacyError} from '../errors.js'
import type {PlanEdge, PlannedTable, SubjectPlan} from './graph.js'
import {fillGroups, tablesInCycles} from './order.js'

/**
 * Where the people's row sets live while a command works on them:
 * `temporary` — temporary tables of the command's own transaction, filled
 * once, before anything changes (every command on the leader);
 * `inline` — common table expressions recomputed by each statement, for
 * read-only followers, which cannot create tables.
 */
export type KeySetMode = 'temporary' | 'inline'

/** The people's rows of one table, as a relation of row keys and the values children point at. */
export interface KeySet {
  planned: PlannedTable
  /** Relation name: `pg_temp.hp_k3`, or `hp_k3` for a common table expression. */
  relation: string
  /** The table as it is read: `ONLY` when its inheriting tables are mapped on their own. */
  from: string
  /** How a row is told apart: its primary key, or (without one) its physical address. */
  keys: Array<{column: string; alias: string}>
  /** Rows are told apart by physical address (no primary key); column `d` then holds a digest of the row as chosen. */
  byAddress: boolean
  /** Columns whose values, as they were when the rows were chosen, other rows point at. */
  carried: Map<string, string>
}

/**
 * The people's rows of every table the map ties to them, chosen once, by key,
 * before any statement changes the columns that found them. Client memory
 * does not depend on how many rows the people have: keys never leave Postgres.
 */
export interface SubjectRows {
  mode: KeySetMode
  plan: SubjectPlan
  sets: Map<string, KeySet>
  /** SQL condition: the row `alias` of the table is one of the people's rows. */
  belongs(tableKey: string, alias: string): string
  /** SQL condition: the row `alias` of the table is not one of the people's rows. */
  outside(tableKey: string, alias: string): string
  /** A subquery listing the values the people's rows of the table held in `column` when chosen. */
  valuesOf(tableKey: string, column: string): string
  /** What a statement using `belongs`/`valuesOf` for these tables must start with (a WITH clause inline, else ''). */
  prefix(tableKeys: string[]): string
  /** Rows per table. */
  counts(client: pg.ClientBase): Promise<Map<string, number>>
}

/** The setting holding the people's root keys for the transaction: a JSON object of arrays of text, by kind of person. */
export const ROOT_KEYS_SETTING = 'heroku_privacy.subject_keys'

/** SQL listing the root keys set for one kind of person (kind names are plain lower-case words, checked by the map's schema). */
export function rootKeysSql(kind: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(kind)) throw new Error(`not a kind name: ${kind}`)
  return `SELECT jsonb_array_elements_text(current_setting('${ROOT_KEYS_SETTING}')::jsonb -> '${kind}')`
}

/** SQL listing every root key set, whatever the kind. */
export const ALL_ROOT_KEYS_SQL = `SELECT jsonb_array_elements_text(v) FROM jsonb_each(current_setting('${ROOT_KEYS_SETTING}')::jsonb) AS k(kind, v)`

/** A row's content digest, how a row without a primary key is recognised again (the session must print values in a fixed style). */
export const ROW_DIGEST_SQL = (alias: string) => `md5(${alias}::text)`

/** What other rows point at in a table: the map's edges and the database's foreign keys. */
function carriedColumns(table: PlannedTable, plan: SubjectPlan, schema: SchemaInfo): string[] {
  const columns = new Set(plan.referenced.get(table.key) ?? [])
  for (const other of schema.tables.values()) {
    for (const fk of other.foreignKeys) if (fk.references === table.key) fk.referencedColumns.forEach(c => columns.add(c))
  }
  return [...columns].filter(c => table.table.columns.some(col => col.name === c))
}

/** `ONLY` keeps rows of inheriting tables out when those tables are mapped themselves, so no row counts twice. */
export function tableSource(table: TableInfo, mapped: (key: string) => boolean): string {
  return table.inheritedBy.some(mapped) ? `ONLY ${quoteTable(table)}` : quoteTable(table)
}

function keyColumnsOf(table: TableInfo, from: string): {keys: string[]; byAddress: boolean} {
  const foldsChildren = table.inheritedBy.length > 0 && !from.startsWith('ONLY ')
  if (table.primaryKey.length > 0) return {keys: [...(foldsChildren ? ['tableoid'] : []), ...table.primaryKey], byAddress: false}
  const severalRelations = table.kind === 'partitioned' || foldsChildren
  return {keys: [...(severalRelations ? ['tableoid'] : []), 'ctid'], byAddress: true}
}

const columnSql = (alias: string, column: string) => (column === 'ctid' || column === 'tableoid' ? `${alias}.${column}` : `${alias}.${quoteIdent(column)}`)

const NUMERIC = new Set(['int2', 'int4', 'int8', 'numeric'])
const TEXTUAL = new Set(['text', 'varchar', 'bpchar', 'name'])

/**
 * The child's rows whose edge column holds a value the parent's chosen rows
 * held. Both sides are compared as text when their types differ (a text
 * `userId` pointing at an integer id); an array column matches when any
 * element does.
 */
export function edgeCondition(child: PlannedTable, edge: PlanEdge, parent: KeySet, schema: SchemaInfo, alias: string): string {
  if (edge.columns.length > 1) {
    // A composite reference matches on all its columns at once, each compared as text.
    const own = edge.columns.map(c => `${alias}.${quoteIdent(c)}::text`).join(', ')
    const values = edge.parentColumns.map(c => `p.${parent.carried.get(c)!}::text`).join(', ')
    return `(${own}) IN (SELECT ${values} FROM ${parent.relation} p)`
  }
  const own = child.table.columns.find(c => c.name === edge.column)!
  const target = schema.tables.get(edge.parent)!.columns.find(c => c.name === edge.parentColumn)!
  const value = parent.carried.get(edge.parentColumn)!
  const column = `${alias}.${quoteIdent(edge.column)}`
  if (own.isArray && !target.isArray) return `${column}::text[] && ARRAY(SELECT p.${value}::text FROM ${parent.relation} p)`
  const comparable =
    own.baseType === target.baseType ||
    (NUMERIC.has(own.baseType) && NUMERIC.has(target.baseType)) ||
    (TEXTUAL.has(own.baseType) && TEXTUAL.has(target.baseType))
  if (comparable && own.isArray === target.isArray) return `${column} IN (SELECT p.${value} FROM ${parent.relation} p)`
  return `${column}::text IN (SELECT p.${value}::text FROM ${parent.relation} p)`
}

/**
 * What clearing the edge in a row of the child sets, column by column: the
 * reference's columns to NULL, but an array of references (a list of
 * addresses) loses only the elements that match the parent's chosen rows,
 * by the rule `edgeCondition` matches them with, so whoever else it lists
 * stays in it.
 */
export function edgeClearing(child: PlannedTable, edge: PlanEdge, parent: KeySet, schema: SchemaInfo, alias: string): Array<{column: string; value: string}> {
  const own = child.table.columns.find(c => c.name === edge.column)!
  const target = schema.tables.get(edge.parent)!.columns.find(c => c.name === edge.parentColumn)!
  if (edge.columns.length > 1 || !own.isArray || target.isArray) return edge.columns.map(column => ({column, value: 'NULL'}))
  const value = parent.carried.get(edge.parentColumn)!
  const matched = `ARRAY(SELECT p.${value}::text FROM ${parent.relation} p WHERE p.${value} IS NOT NULL)`
  return [
    {
      column: edge.column,
      value: `ARRAY(SELECT e FROM unnest(${alias}.${quoteIdent(edge.column)}) WITH ORDINALITY u(e, i) WHERE e IS NULL OR e::text <> ALL (${matched}) ORDER BY i)`,
    },
  ]
}

interface Definition {
  set: KeySet
  /** The selection without its condition: what the key set's relation looks like. */
  columns: string
  select: string
  params: unknown[]
  /** Key sets this one's selection reads. */
  reads: string[]
  /** The conditions any of which chooses a row of the table as `alias`. */
  where: Array<(alias: string) => string>
}

export interface ChooseOptions {
  mode: KeySetMode
  recorded?: RecordedSelection
  name?: string
  /**
   * The rows are only read, in the snapshot they were chosen in (an export):
   * a table is then selected by its own condition rather than joined to a
   * million keys, and only the tables other tables read get a key set.
   */
  readOnly?: boolean
  /** Fill only the key sets that the statements reading these tables need (a second reader of the same snapshot). */
  only?: string[]
}

/**
 * Chooses the people's rows along the map's `via` edges from the root rows
 * whose keys are in the transaction setting ROOT_KEYS_SETTING. Tables in a
 * cycle of edges are filled again until nothing new is found.
 */
export async function chooseSubjectRows(client: pg.ClientBase, plan: SubjectPlan, schema: SchemaInfo, options: ChooseOptions): Promise<SubjectRows> {
  const mapped = (key: string) => plan.tables.some(t => t.key === key)
  const sets = new Map<string, KeySet>()
  plan.tables.forEach((planned, index) => {
    const from = tableSource(planned.table, mapped)
    const {keys, byAddress} = keyColumnsOf(planned.table, from)
    // A value other rows point at that is the row's own single-column key is read from the key column: one column less to write and hash.
    const ownKey = !byAddress && keys.length === 1 ? keys[0] : undefined
    const carried = new Map(carriedColumns(planned, plan, schema).map((c, i) => [c, c === ownKey ? 'k0' : `v${i}`]))
    sets.set(planned.key, {
      planned,
      relation: `${options.mode === 'temporary' ? 'pg_temp.' : ''}hp_${options.name ?? ''}k${index}`,
      from,
      keys: keys.map((column, i) => ({column, alias: `k${i}`})),
      byAddress,
      carried,
    })
  })
  const valuesOf = (tableKey: string, column: string) => {
    const set = sets.get(tableKey)!
    return `(SELECT ${set.carried.get(column)} FROM ${set.relation})`
  }
  const definitions = new Map<string, Definition>()
  for (const planned of plan.tables) {
    const set = sets.get(planned.key)!
    const outputs = [
      ...set.keys.map(k => `${columnSql('t', k.column)} AS ${k.alias}`),
      ...[...set.carried].filter(([, alias]) => alias !== 'k0').map(([c, alias]) => `t.${quoteIdent(c)} AS ${alias}`),
      ...(set.byAddress ? [`${ROW_DIGEST_SQL('t')} AS d`] : []),
    ]
    let where: Array<(alias: string) => string>
    let reads: string[] = []
    const params = new SqlParams()
    if (options.recorded) {
      const condition = options.recorded.condition(planned.table, 't', params.add)
      where = [() => condition]
    } else if (planned.level === 0) {
      const {kind} = plan.roots.find(r => r.table.key === planned.key)!
      const key = planned.table.columns.find(c => c.name === kind.key)!
      where = [alias => `${alias}.${quoteIdent(kind.key)} = ANY (ARRAY(${rootKeysSql(kind.name)})::${key.type}[])`]
    } else {
      const edges = planned.edges.filter(e => sets.has(e.parent))
      reads = [...new Set(edges.map(e => e.parent))]
      where = edges.map(e => (alias: string) => edgeCondition(planned, e, sets.get(e.parent)!, schema, alias))
    }
    const columns = `SELECT ${outputs.join(', ')} FROM ${set.from} t`
    // One selection per edge: OR-ed semi-joins cannot become joins, and past work_mem Postgres rescans the parent's key set for every row.
    const select = where.map(condition => `${columns} WHERE ${condition('t')}`).join(' UNION ')
    definitions.set(planned.key, {set, columns, select, params: params.values, reads, where})
  }
  const cyclic = options.recorded ? new Set<string>() : tablesInCycles(plan)
  const read = new Set([...definitions.values()].flatMap(d => d.reads))
  /** Selected by its own condition: one condition, no bound parameters, outside any cycle. */
  const byCondition = (key: string) =>
    Boolean(options.readOnly) && definitions.get(key)!.where.length === 1 && definitions.get(key)!.params.length === 0 && !cyclic.has(key)
  /** The key sets the statements reading these tables need, and the sets those are filled from. */
  const neededFor = (tableKeys: string[]) => {
    const needed = new Set<string>()
    const visit = (key: string) => {
      if (needed.has(key)) return
      needed.add(key)
      definitions.get(key)!.reads.forEach(visit)
    }
    tableKeys.forEach(key => (byCondition(key) ? definitions.get(key)!.reads.forEach(visit) : visit(key)))
    return needed
  }
  const groups = options.recorded ? plan.tables.map(t => ({tables: [t.key], cyclic: false})) : fillGroups(plan)
  if (options.mode === 'temporary') {
    const only = options.only ? neededFor(options.only) : null
    await fillTemporary(
      client,
      definitions,
      groups.filter(g => (g.cyclic || !byCondition(g.tables[0]!) || read.has(g.tables[0]!)) && (!only || g.tables.some(key => only.has(key)))),
      {indexed: !options.readOnly},
    )
  } else if (cyclic.size > 0) {
    throw new PrivacyError(
      `The map's references among ${[...cyclic].join(', ')} form a cycle, which cannot be followed on a read-only follower; run this on the leader database instead.`,
      {code: 'cycle_on_follower'},
    )
  }

  const rows: SubjectRows = {
    mode: options.mode,
    plan,
    sets,
    belongs(tableKey, alias) {
      if (byCondition(tableKey)) return definitions.get(tableKey)!.where[0]!(alias)
      const set = sets.get(tableKey)!
      const own = set.keys.map(k => columnSql(alias, k.column))
      if (set.byAddress && own.length === 1) return `${own[0]} = ANY (ARRAY(SELECT k0 FROM ${set.relation}))`
      // A key set in a temporary table has a unique index: EXISTS probes it (or hashes it) per row, where `IN (SELECT …)`
      // inside an expression such as count(*) FILTER is scanned whole for every row once the set outgrows work_mem.
      if (options.mode === 'temporary') return `EXISTS (SELECT 1 FROM ${set.relation} hp_member WHERE ${sameRow(set, alias, 'hp_member')})`
      return `(${own.join(', ')}) IN (SELECT ${set.keys.map(k => k.alias).join(', ')} FROM ${set.relation})`
    },
    outside(tableKey, alias) {
      // NOT EXISTS plans as an anti-join however large the set; NOT IN cannot (NULL semantics) and falls back to a scan per row.
      if (options.mode === 'temporary' && !byCondition(tableKey))
        return `NOT EXISTS (SELECT 1 FROM ${sets.get(tableKey)!.relation} hp_member WHERE ${sameRow(sets.get(tableKey)!, alias, 'hp_member')})`
      return `NOT (${rows.belongs(tableKey, alias)})`
    },
    valuesOf,
    prefix(tableKeys) {
      if (options.mode === 'temporary') return ''
      const needed = neededFor(tableKeys)
      const ordered = plan.tables.filter(t => needed.has(t.key)).map(t => definitions.get(t.key)!)
      return ordered.length === 0 ? '' : `WITH ${ordered.map(d => `${d.set.relation} AS MATERIALIZED (${d.select})`).join(', ')} `
    },
    async counts(counting) {
      const result = new Map<string, number>()
      for (const [key, set] of sets) {
        const counted = byCondition(key) ? `${set.from} t WHERE ${rows.belongs(key, 't')}` : set.relation
        const {
          rows: [row],
        } = await counting.query<{n: string}>(`${rows.prefix([key])}SELECT count(*) AS n FROM ${counted}`)
        result.set(key, Number(row!.n))
      }
      return result
    },
  }
  return rows
}

/** Selects rows by what a ledger recorded about them instead of walking the graph: how recorded work is replayed. */
export interface RecordedSelection {
  /** SQL over `alias`; `param` binds a value and returns its placeholder. */
  condition(table: TableInfo, alias: string, param: (value: unknown) => string): string
}

const ANALYZE_ABOVE = 1000
/** Rows ANALYZE samples are 300 times this: 3 000 rows instead of the default 30 000. */
const KEY_SET_STATISTICS = 10

/**
 * Fills the key sets as temporary tables, each group after the groups it
 * reads. A table outside any cycle is created from its selection in one
 * statement (a bulk insert), then indexed and analysed, so the statements
 * reading it are planned for its real size; the tables of a cycle are
 * filled again until nothing new turns up.
 */
async function fillTemporary(
  client: pg.ClientBase,
  definitions: Map<string, Definition>,
  groups: Array<{tables: string[]; cyclic: boolean}>,
  options: {indexed: boolean},
): Promise<void> {
  const create = (set: KeySet) => set.relation.replace('pg_temp.', '')
  const index = (set: KeySet) => client.query(`CREATE UNIQUE INDEX ON ${set.relation} (${set.keys.map(k => k.alias).join(', ')})`)
  for (const group of groups) {
    const filled = new Map<string, number>()
    // CREATE TABLE … AS takes no bound parameters (a ledger's recorded keys): those are inserted.
    if (!group.cyclic && definitions.get(group.tables[0]!)!.params.length === 0) {
      const {set, select} = definitions.get(group.tables[0]!)!
      const result = await client.query(`CREATE TEMPORARY TABLE ${create(set)} ON COMMIT DROP AS ${select}`)
      // Read through hash joins only, a key set needs no index.
      if (options.indexed) await index(set)
      filled.set(group.tables[0]!, result.rowCount ?? 0)
    } else {
      for (const key of group.tables) {
        const {set, columns} = definitions.get(key)!
        await client.query(`CREATE TEMPORARY TABLE ${create(set)} ON COMMIT DROP AS ${columns} WITH NO DATA`)
        await index(set)
      }
      for (let grew = true; grew;) {
        grew = false
        for (const key of group.tables) {
          const {set, select, params} = definitions.get(key)!
          const result = await client.query(`INSERT INTO ${set.relation} ${select} ON CONFLICT DO NOTHING`, params)
          filled.set(key, (filled.get(key) ?? 0) + (result.rowCount ?? 0))
          if ((result.rowCount ?? 0) > 0) grew = true
        }
      }
    }
    for (const [key, n] of filled) {
      // The planner needs a key set's size and how distinct its columns are; a small sample tells both of a set of keys.
      if (n > ANALYZE_ABOVE) {
        await client.query(
          `SET LOCAL default_statistics_target = ${KEY_SET_STATISTICS}; ANALYZE ${definitions.get(key)!.set.relation}; RESET default_statistics_target`,
        )
      }
    }
  }
}

/** SQL joining the table's row `alias` to its key set row `keyAlias` (for UPDATE … FROM and DELETE … USING). */
export function sameRow(set: KeySet, alias: string, keyAlias: string): string {
  return set.keys.map(k => `${columnSql(alias, k.column)} = ${keyAlias}.${k.alias}`).join(' AND ')
}

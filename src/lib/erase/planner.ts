import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import type {ForeignKeyInfo, SchemaInfo, TableInfo} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import {ExitCode, PrivacyError} from '../errors.js'
import {primaryKeyText, restrictedRowCondition} from '../restrict/registry-sql.js'
import type {PlannedTable, SubjectPlan} from '../subject/graph.js'
import {ParentValues, selectSubjectRows} from '../subject/rows.js'
import {columnAssignment} from './strategies.js'
import {UnindexedReference, unindexedReferences} from './unindexed.js'

export interface ErasureStep {
  kind: 'unlink' | 'anonymize' | 'delete'
  table: string
  description: string
  sql: string
  params: unknown[]
  /** Rows the step will change, counted when the plan is made. */
  rows: number
  columns?: Array<{column: string; strategy: string}>
}

export interface ErasurePlan {
  steps: ErasureStep[]
  /** Rows left alone because a legal hold covers them, per table. */
  held: Record<string, number>
  skipped: Array<{table: string; reason: string}>
  /** Foreign keys whose constraint is deferred to the end of the transaction to break a cycle. */
  deferred: string[]
  /** What ON DELETE CASCADE will also remove, for the record. */
  notes: string[]
  /** Foreign keys into deleted rows with no index to check them by: each deleted row costs a scan. */
  unindexed: UnindexedReference[]
}

export interface PlanInput {
  client: pg.ClientBase
  map: DataMap
  schema: SchemaInfo
  plan: SubjectPlan
  values: ParentValues
  rootKeys: string[]
  hashKey: Buffer
  includeConnect: boolean
  exceptHeld: boolean
  /** The restriction registry exists in this database (so legal holds can be checked). */
  hasRegistry: boolean
  /**
   * Rows chosen by recorded primary keys instead of by walking the graph from
   * the people: how a recorded erasure is replayed on a restored copy.
   */
  recordedKeys?: Map<string, string[]>
}

interface Selection {
  where: string
  params: unknown[]
}

/** Builds `WHERE` SQL over `alias` for the subjects' rows of a table, minus legal holds. */
/** The people's rows of a table: by walking the graph, or by recorded primary keys when replaying. */
function baseSelection(input: PlanInput, table: PlannedTable, alias: string): Selection | undefined {
  if (!input.recordedKeys) return selectSubjectRows(table, input.values, input.rootKeys, input.map.subject.key, alias)
  const keys = input.recordedKeys.get(table.key)
  return keys ? {where: `${primaryKeyText(table.table, alias)} = ANY($1)`, params: [keys]} : undefined
}

function selector(input: PlanInput, table: PlannedTable, alias: string, offset = 0): Selection | undefined {
  const selection = baseSelection(input, table, alias)
  if (!selection) return undefined
  const renumbered = selection.where.replace(/\$(\d+)/g, (_, n) => `$${Number(n) + offset}`)
  const notHeld = input.hasRegistry ? ` AND NOT ${restrictedRowCondition(table.key, primaryKeyText(table.table, alias), {holdsOnly: true})}` : ''
  return {where: `(${renumbered})${notHeld}`, params: selection.params}
}

async function count(client: pg.ClientBase, sql: string, params: unknown[]): Promise<number> {
  const {rows} = await client.query<{n: number}>(`SELECT count(*)::int AS n FROM (${sql}) q`, params)
  return rows[0]!.n
}

/**
 * Orders the erasure so foreign keys never fail: references to deleted rows
 * are cleared first where the map allows (the person's own kept rows, or
 * other people's pointers to the person), anonymised tables are updated,
 * then tables are deleted children before parents; a cycle is broken by
 * nulling a nullable edge or deferring a deferrable constraint, never by
 * disabling triggers. Anything that would touch another person's data is
 * refused before a single write.
 */
export async function planErasure(input: PlanInput): Promise<ErasurePlan> {
  const {client, map, schema, plan} = input
  const result: ErasurePlan = {steps: [], held: {}, skipped: [], deferred: [], notes: [], unindexed: []}
  const erased: PlannedTable[] = []
  for (const table of plan.tables) {
    if (input.recordedKeys && !input.recordedKeys.has(table.key)) continue
    if (table.spec.connect && !input.includeConnect) result.skipped.push({table: table.key, reason: 'Heroku Connect table: changes sync back to Salesforce; erase there, or pass --include-connect'})
    else if (table.table.primaryKey.length === 0) result.skipped.push({table: table.key, reason: 'no primary key: rows cannot be recorded or checked for holds'})
    else erased.push(table)
  }
  const action = (t: PlannedTable) => t.spec.erase ?? 'delete'
  const byKey = new Map(erased.map(t => [t.key, t]))
  const deleted = new Set(erased.filter(t => action(t) === 'delete').map(t => t.key))

  if (input.hasRegistry) {
    for (const table of erased) {
      const selection = baseSelection(input, table, 't')
      if (!selection) continue
      const held = await count(client, `SELECT 1 FROM ${quoteTable(table.table)} t WHERE (${selection.where}) AND ${restrictedRowCondition(table.key, primaryKeyText(table.table, 't'), {holdsOnly: true})}`, selection.params)
      if (held > 0) result.held[table.key] = held
    }
    if (Object.keys(result.held).length > 0 && !input.exceptHeld) {
      const list = Object.entries(result.held).map(([t, n]) => `${t} ${n}`).join(', ')
      throw new PrivacyError(`Rows under a legal hold cannot be erased (${list}). Erase the rest with --except-held, or lift the hold first (privacy:restrict:lift --release-hold).`, {code: 'legal_hold', exitCode: ExitCode.refused, details: result.held})
    }
  }

  // References into deleted rows, from every table in the database.
  const edgesBetweenDeleted: Edge[] = []
  for (const referencing of schema.tables.values()) {
    for (const fk of referencing.foreignKeys) {
      const parent = byKey.get(fk.references)
      if (!parent || !deleted.has(parent.key)) continue
      const own = byKey.get(referencing.key)
      if (own && deleted.has(own.key)) {
        if (referencing.key !== parent.key) edgesBetweenDeleted.push({from: referencing.key, to: parent.key, fk})
        continue
      }
      await planReference(input, result, referencing, fk, parent, own)
    }
  }

  for (const table of erased.filter(t => action(t) === 'anonymize')) {
    const params: unknown[] = []
    const ctx = {table: table.table, keyText: primaryKeyText(table.table, 't'), hashKey: input.hashKey, param: (value: unknown) => {
      params.push(value)
      return `$${params.length}`
    }}
    const columns: Array<{column: string; strategy: string}> = []
    const sets: string[] = []
    for (const column of table.table.columns) {
      const spec = map.tables[table.key]?.columns?.[column.name]
      const assignment = spec && columnAssignment(column, spec, ctx)
      if (!assignment) continue
      sets.push(`${quoteIdent(column.name)} = ${assignment}`)
      columns.push({column: column.name, strategy: spec.keys ? `${spec.erase} keys ${spec.keys.join(',')}` : spec.erase!})
    }
    const selection = selector(input, table, 't', params.length)
    const counted = selector(input, table, 't')
    if (sets.length === 0 || !selection || !counted) continue
    result.steps.push({
      kind: 'anonymize', table: table.key, description: `anonymise ${columns.length} column(s)`, columns, params: [...params, ...selection.params],
      sql: `UPDATE ${quoteTable(table.table)} t SET ${sets.join(', ')} WHERE ${selection.where} RETURNING ${primaryKeyText(table.table, 't')} AS pk`,
      rows: await count(client, `SELECT 1 FROM ${quoteTable(table.table)} t WHERE ${counted.where}`, counted.params),
    })
  }

  const {order, nulled} = deletionOrder(erased.filter(t => deleted.has(t.key)).map(t => t.key), edgesBetweenDeleted, schema, result)
  for (const edge of nulled) {
    const table = byKey.get(edge.from)!
    const selection = selector(input, table, 't')
    if (!selection) continue
    const column = quoteIdent(edge.fk.columns[0]!)
    result.steps.push({
      kind: 'unlink', table: edge.from, description: `set ${edge.fk.columns[0]} to NULL to break the cycle with ${edge.to}`, params: selection.params,
      sql: `UPDATE ${quoteTable(table.table)} t SET ${column} = NULL WHERE ${selection.where} AND t.${column} IS NOT NULL RETURNING ${primaryKeyText(table.table, 't')} AS pk`,
      rows: await count(client, `SELECT 1 FROM ${quoteTable(table.table)} t WHERE ${selection.where} AND t.${column} IS NOT NULL`, selection.params),
    })
  }
  for (const key of order) {
    const table = byKey.get(key)!
    const selection = selector(input, table, 't')
    if (!selection) continue
    result.steps.push({
      kind: 'delete', table: key, description: 'delete rows', params: selection.params,
      sql: `DELETE FROM ${quoteTable(table.table)} t WHERE ${selection.where} RETURNING ${primaryKeyText(table.table, 't')} AS pk`,
      rows: await count(client, `SELECT 1 FROM ${quoteTable(table.table)} t WHERE ${selection.where}`, selection.params),
    })
  }
  // Breaking a cycle nulls edges before any delete; put those first.
  result.steps.sort((a, b) => Number(a.kind !== 'unlink') - Number(b.kind !== 'unlink'))
  result.unindexed = unindexedReferences(schema, new Map(result.steps.filter(s => s.kind === 'delete').map(s => [s.table, s.rows])))
  return result
}

/** A foreign key from a table that is kept (or not in the map) into rows that will be deleted. */
async function planReference(input: PlanInput, result: ErasurePlan, referencing: TableInfo, fk: ForeignKeyInfo, parent: PlannedTable, own: PlannedTable | undefined): Promise<void> {
  const parentSelection = selector(input, parent, 'p')
  if (!parentSelection) return
  const column = fk.columns[0]!
  const pointsAtPerson = parent.level === 0 || (own?.spec.third_party ?? input.map.tables[referencing.key]?.third_party ?? []).includes(column)
  const target = `(SELECT p.${quoteIdent(fk.referencedColumns[0]!)} FROM ${quoteTable(parent.table)} p WHERE ${parentSelection.where})`
  const ownSelection = own ? selector(input, own, 'c', parentSelection.params.length) : undefined
  const others = await count(input.client,
    `SELECT 1 FROM ${quoteTable(referencing)} c WHERE c.${quoteIdent(column)} IN ${target}${ownSelection ? ` AND NOT (${ownSelection.where})` : ''}`,
    [...parentSelection.params, ...(ownSelection?.params ?? [])])
  const ownRows = ownSelection ? await count(input.client, `SELECT 1 FROM ${quoteTable(referencing)} c WHERE c.${quoteIdent(column)} IN ${target} AND (${ownSelection.where})`, [...parentSelection.params, ...ownSelection.params]) : 0
  if (others + ownRows === 0) return
  const name = `${referencing.key}.${column}`
  if (fk.columns.length > 1) {
    throw new PrivacyError(`${parent.key} rows are referenced through the composite foreign key ${fk.name} of ${referencing.key}; erase those rows too, or set ${parent.key} to erase: anonymize.`, {code: 'erase_blocked'})
  }
  if (others > 0 && !pointsAtPerson) {
    throw new PrivacyError(`Deleting ${parent.key} rows would change ${others} row(s) of other people in ${referencing.key} (${fk.name}); set tables.${parent.key}.erase to anonymize in the map, or map ${referencing.key} to the subject.`, {code: 'erase_blocked'})
  }
  if (fk.onDelete === 'cascade') {
    if (others > 0) throw new PrivacyError(`Deleting ${parent.key} rows would cascade to ${others} row(s) of other people in ${referencing.key} (${fk.name}); set tables.${parent.key}.erase to anonymize.`, {code: 'erase_blocked'})
    result.notes.push(`${ownRows} row(s) of ${referencing.key} go with ${parent.key} (ON DELETE CASCADE)`)
    return
  }
  if (fk.onDelete === 'set null' || fk.onDelete === 'set default') {
    result.notes.push(`${name} is reset by ON DELETE ${fk.onDelete.toUpperCase()} in ${others + ownRows} row(s)`)
    return
  }
  const columnInfo = referencing.columns.find(c => c.name === column)!
  if (!columnInfo.isNullable) {
    throw new PrivacyError(`${name} is NOT NULL and its rows are kept, so the ${parent.key} rows it points at cannot be deleted; set tables.${parent.key}.erase to anonymize, or erase ${referencing.key} rows with delete.`, {code: 'erase_blocked'})
  }
  result.steps.push({
    kind: 'unlink', table: referencing.key, description: `set ${column} to NULL where it points at erased ${parent.key} rows`,
    sql: `UPDATE ${quoteTable(referencing)} c SET ${quoteIdent(column)} = NULL WHERE c.${quoteIdent(column)} IN ${target} RETURNING ${referencing.primaryKey.length > 0 ? primaryKeyText(referencing, 'c') : "''"} AS pk`,
    params: parentSelection.params,
    rows: others + ownRows,
  })
}

/**
 * Children before parents. A cycle is broken at a nullable edge (nulled first)
 * or, failing that, at a deferrable constraint; otherwise the erasure is refused.
 */
type Edge = {from: string; to: string; fk: ForeignKeyInfo}

function deletionOrder(tables: string[], edges: Edge[], schema: SchemaInfo, result: ErasurePlan): {order: string[]; nulled: Edge[]} {
  const remaining = new Set(tables)
  let active = [...edges]
  const order: string[] = []
  const nulled: Edge[] = []
  while (remaining.size > 0) {
    const ready = [...remaining].filter(t => !active.some(e => e.to === t && remaining.has(e.from) && e.from !== t)).sort()
    if (ready.length > 0) {
      for (const t of ready) {
        order.push(t)
        remaining.delete(t)
      }
      continue
    }
    const inCycle = active.filter(e => remaining.has(e.from) && remaining.has(e.to))
    const nullable = inCycle.find(e => e.fk.columns.length === 1 && schema.tables.get(e.from)!.columns.find(c => c.name === e.fk.columns[0])!.isNullable)
    const deferrable = inCycle.find(e => e.fk.isDeferrable)
    const broken = nullable ?? deferrable
    if (!broken) {
      throw new PrivacyError(`The tables ${[...remaining].join(', ')} reference each other through NOT NULL, non-deferrable foreign keys, so their rows cannot be deleted in any order; make one of those constraints DEFERRABLE, or set one table to erase: anonymize.`, {code: 'erase_blocked'})
    }
    if (broken === nullable) {
      nulled.push(broken)
      result.notes.push(`cycle ${broken.from} ⇄ ${broken.to} broken by nulling ${broken.from}.${broken.fk.columns[0]} first`)
    } else {
      result.deferred.push(broken.fk.name)
    }
    active = active.filter(e => e !== broken)
  }
  return {order, nulled}
}

import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo, TableInfo} from '../db/introspect.js'
import {SqlParams} from '../db/params.js'
import {primaryKeyText, quoteIdent, quoteTable} from '../db/sql.js'
import {refused} from '../errors.js'
import {recordedDigestSql, recordedKeySql} from '../ledger/row-keys.js'
import {restrictedRowCondition} from '../restrict/registry-sql.js'
import type {PlannedTable} from '../subject/graph.js'
import {KeySet, SubjectRows, edgeClearing, edgeCondition, sameRow, tableSource} from '../subject/keyset.js'
import {DeletionEdge, ReferenceFacts, blocked, chooseTables, deletionOrder, missingPrivileges, refuseHiddenRows, settleReference} from './decide.js'
import {referenceColumnProblems} from './reference-columns.js'
import {columnAssignment} from './strategies.js'
import {UnindexedReference, unindexedReferences} from './unindexed.js'

export interface ErasureStep {
  kind: 'unlink' | 'anonymize' | 'delete'
  table: string
  description: string
  /** The data-changing statement; it returns each changed row's ledger name (`pk`) and whether the row is the people's (`own`). */
  sql: string
  /** Statements run with it that read what it changed (`changed`): keeping a key set on rows an update moved. */
  follow?: string[]
  params: unknown[]
  /** Rows the step will change, counted when the plan is made. */
  rows: number
  columns?: Array<{column: string; strategy: string}>
  /** The step's rows are the people's own (anonymised or deleted), not references from elsewhere. */
  own: boolean
}

export interface ErasurePlan {
  steps: ErasureStep[]
  /** Rows left alone because a legal hold covers them, per table. */
  held: Record<string, number>
  /** Rows shared with a person under a restriction, left alone (only the erased person's links are cleared). */
  restrictedShared: Array<{table: string; rows: number; restrictions: string[]}>
  skipped: Array<{table: string; reason: string}>
  /** Foreign keys whose constraint is deferred to the end of the transaction to break a cycle. */
  deferred: string[]
  /** What ON DELETE CASCADE will also remove, for the record. */
  notes: string[]
  /** Foreign keys into deleted rows with no index to check them by: each deleted row costs a scan. */
  unindexed: UnindexedReference[]
  /** SQL over `alias`: the row of the table is one the erasure leaves on purpose (held, or shared with a restricted person). */
  leftAlone: (table: string, alias: string) => string
}

export interface PlanInput {
  client: pg.ClientBase
  map: DataMap
  schema: SchemaInfo
  rows: SubjectRows
  /** Key of the `hash` and `fake` strategies. */
  hashKey: Buffer
  /** Key of the ledger's names for touched rows. */
  rowKey: Buffer
  includeConnect: boolean
  exceptHeld: boolean
  /** Rows shared with a person under a restriction: clear only the erased person's links in them instead of refusing. */
  unlinkRestrictedShared: boolean
  /** The restriction registry exists in this database (so holds and restrictions can be checked). */
  hasRegistry: boolean
  /** Only these tables are erased (replaying recorded rows); all of the person's tables otherwise. */
  only?: Set<string>
}

/** Rows of the table the erasure must leave: under a legal hold, or shared with someone else's restriction. */
interface Exclusions {
  held: (alias: string) => string
  restrictedForOthers: (alias: string) => string
}

function exclusions(input: PlanInput, table: PlannedTable): Exclusions {
  if (!input.hasRegistry || table.table.primaryKey.length === 0) return {held: () => 'false', restrictedForOthers: () => 'false'}
  // A restriction is the people's own when it covers one of their root rows.
  const roots = input.rows.plan.roots.map(({table: root}) => {
    const set = input.rows.sets.get(root.key)!
    return {
      table: root.key,
      keys: `(SELECT ${set.keys.length === 1 ? `${set.keys[0]!.alias}::text` : `json_build_array(${set.keys.map(k => k.alias).join(', ')})::text`} FROM ${set.relation})`,
    }
  })
  return {
    held: alias => restrictedRowCondition(table.key, primaryKeyText(table.table, alias), {holdsOnly: true}),
    restrictedForOthers: alias => restrictedRowCondition(table.key, primaryKeyText(table.table, alias), {othersThan: roots}),
  }
}

/** Runs a `SELECT count(*) …` and returns the count. */
async function countRows(client: pg.ClientBase, sql: string): Promise<number> {
  const {rows} = await client.query<{count: string}>(sql)
  return Number(rows[0]!.count)
}

/**
 * Orders the erasure so foreign keys never fail, from rows chosen once by key
 * before anything changes: references to deleted rows are cleared first
 * where the map allows (the person's own kept rows, or other people's
 * pointers to the person), anonymised tables are updated, then tables are
 * deleted children before parents. Anything that would touch another
 * person's data, rows hidden from the role, or rows the role may not change
 * is refused before a single write.
 */
export async function planErasure(input: PlanInput): Promise<ErasurePlan> {
  const {client, map, schema, rows} = input
  const result: ErasurePlan = {steps: [], held: {}, restrictedShared: [], skipped: [], deferred: [], notes: [], unindexed: [], leftAlone: () => 'false'}
  const chosen = chooseTables(rows.plan, {includeConnect: input.includeConnect, only: input.only})
  result.skipped.push(...chosen.skipped)

  const referenceProblems = referenceColumnProblems(map, schema)
  if (referenceProblems.length > 0) {
    throw refused(
      'reference_strategy',
      `The map would change the values that tie rows to people (${referenceProblems.join('; ')}); a changed reference can hand a row to someone else. Use erase: delete for the table, or leave those columns alone.`,
    )
  }
  refuseHiddenRows(chosen.erased.map(e => e.table.table))

  const counts = await rows.counts(client)
  const erased = chosen.erased.filter(e => (counts.get(e.table.key) ?? 0) > 0)
  const exclusionsOf = new Map(erased.map(e => [e.table.key, exclusions(input, e.table)]))
  result.leftAlone = (table, alias) => {
    const ex = exclusionsOf.get(table)
    return ex ? `(${ex.held(alias)} OR ${ex.restrictedForOthers(alias)})` : 'false'
  }
  await checkHoldsAndRestrictions(
    input,
    result,
    erased.map(e => e.table),
    exclusionsOf,
  )

  const deleted = new Map(erased.filter(e => e.action === 'delete').map(e => [e.table.key, e.table]))
  const kept = new Map(rows.plan.tables.filter(t => !deleted.has(t.key)).map(t => [t.key, t]))
  const edgesBetweenDeleted: DeletionEdge[] = []
  const writes: Array<{table: TableInfo; privilege: 'DELETE' | 'UPDATE'}> = []
  const unlinks: ErasureStep[] = []
  for (const referencing of schema.tables.values()) {
    for (const fk of referencing.foreignKeys) {
      const parent = deleted.get(fk.references)
      if (!parent) continue
      if (deleted.has(referencing.key) && referencing.key !== parent.key) {
        edgesBetweenDeleted.push({from: referencing.key, to: parent.key, fk})
        continue
      }
      // A table pointing at itself (replies, referrals): the person's own rows go in one statement, other people's pointers are settled.
      const own = referencing.key === parent.key ? parent : kept.get(referencing.key)
      const facts = await referenceFacts(input, referencing, fk, parent, own, exclusionsOf.get(parent.key)!)
      const settlement = settleReference(map, facts, {changeRestricted: input.unlinkRestrictedShared})
      if (settlement.kind === 'cascade' || settlement.kind === 'reset-by-database') result.notes.push(settlement.note)
      if (settlement.kind === 'reset-by-database') writes.push({table: referencing, privilege: 'UPDATE'})
      if (settlement.kind === 'unlink') {
        unlinks.push(unlinkStep(input, referencing, settlement.column, parent, exclusionsOf.get(parent.key)!, facts.ownRows + facts.otherRows))
        writes.push({table: referencing, privilege: 'UPDATE'})
      }
    }
  }

  const anonymizations: ErasureStep[] = []
  for (const {table} of erased.filter(e => e.action === 'anonymize')) {
    const step = anonymizeStep(
      input,
      table,
      exclusionsOf.get(table.key)!,
      counts.get(table.key)! - (result.held[table.key] ?? 0) - sharedRows(result, table.key),
    )
    if (step) {
      anonymizations.push(step)
      writes.push({table: table.table, privilege: 'UPDATE'})
    }
  }

  const order = deletionOrder([...deleted.keys()], edgesBetweenDeleted, schema)
  result.deferred.push(...order.deferred)
  result.notes.push(...order.notes)
  const cycleBreaks: ErasureStep[] = []
  for (const edge of order.nulled) {
    const table = deleted.get(edge.from)!
    cycleBreaks.push(
      await nullEdgeStep(
        input,
        table,
        edge.fk.columns[0]!,
        exclusionsOf.get(table.key)!,
        `set ${edge.fk.columns[0]} to NULL to break the cycle with ${edge.to}`,
      ),
    )
  }
  const deletions = order.order.map(key => {
    const table = deleted.get(key)!
    writes.push({table: table.table, privilege: 'DELETE'})
    return deleteStep(input, table, exclusionsOf.get(key)!, counts.get(key)! - (result.held[key] ?? 0) - sharedRows(result, key))
  })
  const sharedLinks = await restrictedSharedSteps(input, result, exclusionsOf)
  for (const step of sharedLinks) writes.push({table: schema.tables.get(step.table)!, privilege: 'UPDATE'})

  const missing = missingPrivileges(writes)
  if (missing.length > 0) {
    throw refused(
      'permission_denied',
      `This role may not change the tables the erasure must change: it lacks ${missing.join(', ')}. Grant those privileges, or run the erasure as a role that has them; nothing was changed.`,
    )
  }
  result.steps = [...cycleBreaks, ...unlinks, ...sharedLinks, ...anonymizations, ...deletions]
  result.unindexed = unindexedReferences(schema, new Map(deletions.map(s => [s.table, s.rows])))
  return result
}

function sharedRows(plan: ErasurePlan, table: string): number {
  return plan.restrictedShared.find(s => s.table === table)?.rows ?? 0
}

/** Legal holds refuse unless --except-held; rows in someone else's restriction refuse unless --unlink-restricted-shared. */
async function checkHoldsAndRestrictions(input: PlanInput, result: ErasurePlan, tables: PlannedTable[], exclusionsOf: Map<string, Exclusions>): Promise<void> {
  if (!input.hasRegistry) return
  for (const table of tables) {
    const set = input.rows.sets.get(table.key)!
    const ex = exclusionsOf.get(table.key)!
    const from = `FROM ${set.from} t JOIN ${set.relation} k ON ${sameRow(set, 't', 'k')}`
    const held = await countRows(input.client, `SELECT count(*) ${from} WHERE ${ex.held('t')}`)
    if (held > 0) result.held[table.key] = held
    const {rows: shared} = await input.client.query<{rows: string; restrictions: string[]}>(
      `SELECT count(*) AS rows, coalesce(array_agg(DISTINCT x.id), '{}') AS restrictions ${from}
       JOIN heroku_privacy.restricted_rows r ON r.table_name = $1 AND r.pk = ${primaryKeyText(table.table, 't')}
       JOIN heroku_privacy.restrictions x ON x.id = r.restriction_id
       WHERE NOT ${ex.held('t')} AND ${ex.restrictedForOthers('t')} AND x.lifted_at IS NULL AND NOT x.legal_hold`,
      [table.key],
    )
    if (Number(shared[0]!.rows) > 0)
      result.restrictedShared.push({table: table.key, rows: Number(shared[0]!.rows), restrictions: shared[0]!.restrictions.sort()})
  }
  if (Object.keys(result.held).length > 0 && !input.exceptHeld) {
    const list = Object.entries(result.held)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')
    throw refused('legal_hold', `Rows under a legal hold cannot be erased (${list}); lift the hold first when the claim is settled (privacy:restrict:lift).`, {
      details: result.held,
    })
  }
  if (result.restrictedShared.length > 0 && !input.unlinkRestrictedShared) {
    const ids = [...new Set(result.restrictedShared.flatMap(s => s.restrictions))].sort()
    const list = result.restrictedShared.map(s => `${s.table} ${s.rows}`).join(', ')
    throw refused(
      'restricted_shared',
      `Some of the person's rows are shared with someone whose data is restricted (${ids.join(', ')}: ${list}); erasing them would change that person's restricted data. Lift the restriction first.`,
      {details: result.restrictedShared},
    )
  }
}

/** Rows of a table referencing the deleted rows: the person's own (in their key set) and everyone else's. */
async function referenceFacts(
  input: PlanInput,
  referencing: TableInfo,
  fk: ReferenceFacts['fk'],
  parent: PlannedTable,
  own: PlannedTable | undefined,
  parentEx: Exclusions,
): Promise<ReferenceFacts> {
  const parentSet = input.rows.sets.get(parent.key)!
  // A composite key points at a row by all its columns together: rows sharing only the first (a tenant) are not counted.
  const target = referencedValues(parentSet, fk.referencedColumns, parentEx)
  const source = own ? tableSource(referencing, key => input.rows.sets.has(key)) : referencingSource(referencing)
  const mine = own ? input.rows.belongs(own.key, 'c') : 'false'
  const registered = input.hasRegistry && referencing.primaryKey.length > 0
  const held = registered ? restrictedRowCondition(referencing.key, primaryKeyText(referencing, 'c'), {holdsOnly: true}) : 'false'
  const restricted = registered ? restrictedRowCondition(referencing.key, primaryKeyText(referencing, 'c')) : 'false'
  const {
    rows: [row],
  } = await input.client.query<{own: string; others: string; held: string; restricted: string}>(
    `SELECT count(*) FILTER (WHERE ${mine}) AS own, count(*) FILTER (WHERE NOT (${mine})) AS others,
            count(*) FILTER (WHERE NOT (${mine}) AND ${held}) AS held, count(*) FILTER (WHERE NOT (${mine}) AND ${restricted}) AS restricted
     FROM ${source} c WHERE (${fk.columns.map(column => `c.${quoteIdent(column)}`).join(', ')}) IN ${target}`,
  )
  return {
    referencing,
    fk,
    parent,
    own,
    ownRows: Number(row!.own),
    otherRows: Number(row!.others),
    protectedRows: {held: Number(row!.held), restricted: Number(row!.restricted) - Number(row!.held)},
  }
}

/** The values the deleted rows held in some columns (rows under a hold or another person's restriction stay, so they do not count). */
function referencedValues(set: KeySet, columns: string[], ex: Exclusions): string {
  const values = columns.map(column => `k.${set.carried.get(column)!}`).join(', ')
  const table = set.planned.table
  if (table.primaryKey.length === 0) return `(SELECT ${values} FROM ${set.relation} k)`
  return `(SELECT ${values} FROM ${set.relation} k JOIN ${set.from} p ON ${sameRow(set, 'p', 'k')} WHERE NOT ${ex.held('p')} AND NOT ${ex.restrictedForOthers('p')})`
}

/** A foreign key holds on the table that declares it, not on tables inheriting from it. */
function referencingSource(table: TableInfo): string {
  return table.inheritedBy.length > 0 ? `ONLY ${quoteTable(table)}` : quoteTable(table)
}

/**
 * Rows known by their address (no primary key) move when they are updated:
 * an update joined to the key set as `k` returns where each row went, and a
 * follow-up statement moves the key set along, so later steps and the
 * residue check still find them.
 */
function followMoves(set: KeySet | undefined): {returning: string; follow?: string[]} {
  if (!set?.byAddress) return {returning: ''}
  return {
    returning: `, ${set.keys.map(k => `k.${k.alias} AS old_${k.alias}, t.${k.column} AS new_${k.alias}`).join(', ')}`,
    follow: [
      `UPDATE ${set.relation} m SET ${set.keys.map(k => `${k.alias} = c.new_${k.alias}`).join(', ')} FROM changed c WHERE ${set.keys.map(k => `m.${k.alias} = c.old_${k.alias}`).join(' AND ')}`,
    ],
  }
}

function returning(input: PlanInput, table: TableInfo, set: KeySet | undefined, params: SqlParams): string {
  if (set?.byAddress) return recordedDigestSql('k.d', input.rowKey, params.add)
  return recordedKeySql(table, input.map, 't', input.rowKey, params.add)
}

function unlinkStep(input: PlanInput, referencing: TableInfo, column: string, parent: PlannedTable, parentEx: Exclusions, rows: number): ErasureStep {
  const params = new SqlParams()
  const parentSet = input.rows.sets.get(parent.key)!
  const fk = referencing.foreignKeys.find(f => f.columns[0] === column && f.references === parent.key)!
  const target = referencedValues(parentSet, [fk.referencedColumns[0]!], parentEx)
  // The people's own rows among them are recorded, so that a replay knows them as theirs; other people's are only counted.
  const keyed = referencing.primaryKey.length > 0 && input.rows.sets.has(referencing.key)
  const pk = keyed ? recordedKeySql(referencing, input.map, 't', input.rowKey, params.add) : `''`
  const own = keyed ? input.rows.belongs(referencing.key, 't') : 'false'
  const description = `set ${column} to NULL where it points at erased ${parent.key} rows`
  const source = referencingSource(referencing)
  const set = input.rows.sets.get(referencing.key)
  if (set?.byAddress) {
    // Rows by address: the addresses are taken first, so the key set can follow the rows the update moves.
    const moves = followMoves(set)
    const addressed = `(SELECT ${set.keys.map(k => `s.${k.column} AS ${k.alias}`).join(', ')} FROM ${source} s WHERE s.${quoteIdent(column)} IN ${target})`
    return {
      kind: 'unlink',
      table: referencing.key,
      own: false,
      rows,
      description,
      follow: moves.follow,
      params: params.values,
      sql: `UPDATE ${source} t SET ${quoteIdent(column)} = NULL FROM ${addressed} k WHERE ${sameRow(set, 't', 'k')} RETURNING '' AS pk, false AS own${moves.returning}`,
    }
  }
  return {
    kind: 'unlink',
    table: referencing.key,
    own: false,
    rows,
    description,
    params: params.values,
    sql: `UPDATE ${source} t SET ${quoteIdent(column)} = NULL WHERE t.${quoteIdent(column)} IN ${target} RETURNING ${pk} AS pk, ${own} AS own`,
  }
}

async function nullEdgeStep(input: PlanInput, table: PlannedTable, column: string, ex: Exclusions, description: string): Promise<ErasureStep> {
  const params = new SqlParams()
  const set = input.rows.sets.get(table.key)!
  const condition = `${sameRow(set, 't', 'k')} AND t.${quoteIdent(column)} IS NOT NULL AND NOT ${ex.held('t')} AND NOT ${ex.restrictedForOthers('t')}`
  const moves = followMoves(set)
  return {
    kind: 'unlink',
    table: table.key,
    own: true,
    description,
    follow: moves.follow,
    rows: await countRows(input.client, `SELECT count(*) FROM ${set.from} t JOIN ${set.relation} k ON ${condition}`),
    sql: `UPDATE ${set.from} t SET ${quoteIdent(column)} = NULL FROM ${set.relation} k WHERE ${condition} RETURNING ${returning(input, table.table, set, params)} AS pk, true AS own${moves.returning}`,
    params: params.values,
  }
}

function anonymizeStep(input: PlanInput, table: PlannedTable, ex: Exclusions, rows: number): ErasureStep | undefined {
  const params = new SqlParams()
  const set = input.rows.sets.get(table.key)!
  const keyText = set.byAddress ? 'k.d' : primaryKeyText(table.table, 't')
  const ctx = {table: table.table, keyText, hashKey: input.hashKey, param: params.add}
  const columns: Array<{column: string; strategy: string}> = []
  const sets: string[] = []
  for (const column of table.table.columns) {
    const spec = input.map.tables[table.key]?.columns?.[column.name]
    const assignment = spec && !column.generated && columnAssignment(column, spec, ctx)
    if (!assignment) continue
    sets.push(`${quoteIdent(column.name)} = ${assignment}`)
    columns.push({column: column.name, strategy: spec.keys ? `${spec.erase} keys ${spec.keys.join(',')}` : spec.erase!})
  }
  if (sets.length === 0) return undefined
  const condition = `${sameRow(set, 't', 'k')} AND NOT ${ex.held('t')} AND NOT ${ex.restrictedForOthers('t')}`
  const recorded = returning(input, table.table, set, params)
  const moves = followMoves(set)
  const sql = `UPDATE ${set.from} t SET ${sets.join(', ')} FROM ${set.relation} k WHERE ${condition} RETURNING ${recorded} AS pk, true AS own${moves.returning}`
  return {
    kind: 'anonymize',
    table: table.key,
    own: true,
    rows,
    description: `anonymise ${columns.length} column(s)`,
    columns,
    sql,
    follow: moves.follow,
    params: params.values,
  }
}

function deleteStep(input: PlanInput, table: PlannedTable, ex: Exclusions, rows: number): ErasureStep {
  const params = new SqlParams()
  const set = input.rows.sets.get(table.key)!
  return {
    kind: 'delete',
    table: table.key,
    own: true,
    rows,
    description: 'delete rows',
    sql: `DELETE FROM ${set.from} t USING ${set.relation} k WHERE ${sameRow(set, 't', 'k')} AND NOT ${ex.held('t')} AND NOT ${ex.restrictedForOthers('t')} RETURNING ${returning(input, table.table, set, params)} AS pk, true AS own`,
    params: params.values,
  }
}

/** The key set narrowed to the rows the erasure changes: not those under a hold or shared with someone else's restriction. */
function erasedRowsOf(set: KeySet, ex: Exclusions): KeySet {
  if (set.planned.table.primaryKey.length === 0) return set
  return {
    ...set,
    relation: `(SELECT k.* FROM ${set.relation} k JOIN ${set.from} p ON ${sameRow(set, 'p', 'k')} WHERE NOT ${ex.held('p')} AND NOT ${ex.restrictedForOthers('p')})`,
  }
}

/**
 * Rows shared with a person under a restriction stay as they are, but for
 * the erased person's links: each `via` column of theirs in those rows that
 * points at a row of the erased person's that this erasure erases is
 * cleared (it must be nullable), or, for an array of references, loses the
 * elements that do.
 */
async function restrictedSharedSteps(input: PlanInput, result: ErasurePlan, exclusionsOf: Map<string, Exclusions>): Promise<ErasureStep[]> {
  const steps: ErasureStep[] = []
  for (const shared of result.restrictedShared) {
    const table = input.rows.plan.tables.find(t => t.key === shared.table)!
    const set = input.rows.sets.get(table.key)!
    const ex = exclusionsOf.get(table.key)!
    // A link to a row the erasure leaves in place (itself shared or held) is not the erased person's alone, and stays.
    for (const edge of table.edges.filter(e => exclusionsOf.has(e.parent))) {
      // A composite reference is one link: all its columns are cleared, and only where all of them point at the erased person.
      const parentSet = erasedRowsOf(input.rows.sets.get(edge.parent)!, exclusionsOf.get(edge.parent)!)
      const clearing = edgeClearing(table, edge, parentSet, input.schema, 't')
      const notNull = clearing.filter(c => c.value === 'NULL' && !table.table.columns.find(col => col.name === c.column)!.isNullable).map(c => c.column)
      if (notNull.length > 0) {
        throw blocked(
          `${table.key}.${notNull.join(', ')} ${notNull.length > 1 ? 'are' : 'is'} NOT NULL, so the erased person's link cannot be cleared from rows shared with a restricted person; lift the restriction (${shared.restrictions.join(', ')}) first.`,
        )
      }
      const params = new SqlParams()
      const links = edgeCondition(table, edge, parentSet, input.schema, 't')
      const cleared = clearing.map(c => `${quoteIdent(c.column)} = ${c.value}`).join(', ')
      const sql = `UPDATE ${set.from} t SET ${cleared} FROM ${set.relation} k WHERE ${sameRow(set, 't', 'k')} AND ${ex.restrictedForOthers('t')} AND NOT ${ex.held('t')} AND ${links} RETURNING ${returning(input, table.table, set, params)} AS pk, true AS own`
      steps.push({
        kind: 'unlink',
        table: table.key,
        own: false,
        rows: shared.rows,
        description: `clear ${edge.columns.join(', ')} in rows shared with a restricted person`,
        sql,
        params: params.values,
      })
    }
  }
  return steps
}

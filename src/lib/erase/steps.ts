import type {TableInfo} from '../db/introspect.js'
import {SqlParams} from '../db/params.js'
import {primaryKeyText, quoteIdent, quoteTable} from '../db/sql.js'
import {recordedDigestSql, recordedKeySql} from '../ledger/row-keys.js'
import type {PlannedTable} from '../subject/graph.js'
import {KeySet, edgeClearing, edgeCondition, sameRow} from '../subject/keyset.js'
import {blocked} from './decide.js'
import {ErasurePlan, ErasureStep, Exclusions, PlanInput, countRows} from './plan.js'
import {columnAssignment} from './strategies.js'

/** The values the deleted rows held in some columns (rows under a hold or another person's restriction stay, so they do not count). */
export function referencedValues(set: KeySet, columns: string[], ex: Exclusions): string {
  const values = columns.map(column => `k.${set.carried.get(column)!}`).join(', ')
  const table = set.planned.table
  if (table.primaryKey.length === 0) return `(SELECT ${values} FROM ${set.relation} k)`
  return `(SELECT ${values} FROM ${set.relation} k JOIN ${set.from} p ON ${sameRow(set, 'p', 'k')} WHERE NOT ${ex.held('p')} AND NOT ${ex.restrictedForOthers('p')})`
}

/** A foreign key holds on the table that declares it, not on tables inheriting from it. */
export function referencingSource(table: TableInfo): string {
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

export function unlinkStep(input: PlanInput, referencing: TableInfo, column: string, parent: PlannedTable, parentEx: Exclusions, rows: number): ErasureStep {
  const params = new SqlParams()
  const parentSet = input.rows.sets.get(parent.key)!
  const fk = referencing.foreignKeys.find(f => f.columns[0] === column && f.references === parent.key)!
  const target = referencedValues(parentSet, [fk.referencedColumns[0]!], parentEx)
  // The people's own rows among them are recorded, so that a replay knows them as theirs; other people's are only counted.
  const keyed = referencing.primaryKey.length > 0 && input.rows.sets.has(referencing.key)
  const pk = keyed ? recordedKeySql(referencing, input.map, 't', input.rowKey, params.add) : `''`
  const own = keyed ? input.rows.belongs(referencing.key, 't') : 'false'
  const source = referencingSource(referencing)
  const set = input.rows.sets.get(referencing.key)
  const step = {
    kind: 'unlink',
    table: referencing.key,
    own: false,
    rows,
    description: `set ${column} to NULL where it points at erased ${parent.key} rows`,
  } as const
  if (set?.byAddress) {
    // Rows by address: the addresses are taken first, so the key set can follow the rows the update moves.
    const moves = followMoves(set)
    const addressed = `(SELECT ${set.keys.map(k => `s.${k.column} AS ${k.alias}`).join(', ')} FROM ${source} s WHERE s.${quoteIdent(column)} IN ${target})`
    return {
      ...step,
      follow: moves.follow,
      params: params.values,
      sql: `UPDATE ${source} t SET ${quoteIdent(column)} = NULL FROM ${addressed} k WHERE ${sameRow(set, 't', 'k')} RETURNING '' AS pk, false AS own${moves.returning}`,
    }
  }
  return {
    ...step,
    params: params.values,
    sql: `UPDATE ${source} t SET ${quoteIdent(column)} = NULL WHERE t.${quoteIdent(column)} IN ${target} RETURNING ${pk} AS pk, ${own} AS own`,
  }
}

export async function nullEdgeStep(input: PlanInput, table: PlannedTable, column: string, ex: Exclusions, description: string): Promise<ErasureStep> {
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

export function anonymizeStep(input: PlanInput, table: PlannedTable, ex: Exclusions, rows: number): ErasureStep | undefined {
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

export function deleteStep(input: PlanInput, table: PlannedTable, ex: Exclusions, rows: number): ErasureStep {
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
export async function restrictedSharedSteps(input: PlanInput, result: ErasurePlan, exclusionsOf: Map<string, Exclusions>): Promise<ErasureStep[]> {
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

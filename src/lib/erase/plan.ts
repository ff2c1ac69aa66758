import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'
import {primaryKeyText} from '../db/sql.js'
import {restrictedRowCondition} from '../restrict/registry-sql.js'
import type {PlannedTable} from '../subject/graph.js'
import type {SubjectRows} from '../subject/keyset.js'
import type {UnindexedReference} from './unindexed.js'

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
export interface Exclusions {
  held: (alias: string) => string
  restrictedForOthers: (alias: string) => string
}

export function exclusions(input: PlanInput, table: PlannedTable): Exclusions {
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
export async function countRows(client: pg.ClientBase, sql: string): Promise<number> {
  const {rows} = await client.query<{count: string}>(sql)
  return Number(rows[0]!.count)
}

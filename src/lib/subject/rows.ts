import type pg from 'pg'

import {quoteIdent, quoteTable} from '../db/sql.js'
import type {PlannedTable, SubjectPlan} from './graph.js'

/** For each table other tables point at: the distinct values of the pointed-at columns in the subjects' rows. */
export type ParentValues = Map<string, Map<string, unknown[]>>

export interface RowSelection {
  /** `WHERE` condition over the table's own columns, with its parameters, or nothing when no edge has values. */
  where: string
  params: unknown[][]
}

/** The subjects' rows of a table: any edge whose column holds one of its parent's values. */
export function selectSubjectRows(table: PlannedTable, values: ParentValues, rootKeys: string[], rootKeyColumn: string, alias = ''): RowSelection | undefined {
  const prefix = alias ? `${alias}.` : ''
  if (table.level === 0) return {where: `${prefix}${quoteIdent(rootKeyColumn)} = ANY($1)`, params: [rootKeys]}
  const conditions: string[] = []
  const params: unknown[][] = []
  for (const edge of table.edges) {
    const parentValues = values.get(edge.parent)?.get(edge.parentColumn) ?? []
    if (parentValues.length === 0) continue
    params.push(parentValues)
    conditions.push(`${prefix}${quoteIdent(edge.column)} = ANY($${params.length})`)
  }
  return conditions.length === 0 ? undefined : {where: conditions.join(' OR '), params}
}

/**
 * Walks the plan level by level with one set-based query per table, keeping
 * only the values child tables point at (never whole rows). Repeats until
 * nothing new is found, so cycles in the map settle.
 */
export async function collectParentValues(client: pg.ClientBase, plan: SubjectPlan, rootKeys: string[], rootKeyColumn: string): Promise<ParentValues> {
  const values: ParentValues = new Map()
  for (let pass = 0, changed = true; changed && pass <= plan.tables.length; pass++) {
    changed = false
    for (const table of plan.tables) {
      const columns = plan.referenced.get(table.key)
      if (!columns) continue
      const selection = selectSubjectRows(table, values, rootKeys, rootKeyColumn)
      if (!selection) continue
      const {rows} = await client.query(`SELECT ${columns.map((c, i) => `${quoteIdent(c)} AS c${i}`).join(', ')} FROM ${quoteTable(table.table)} WHERE ${selection.where}`, selection.params)
      const known = values.get(table.key) ?? new Map<string, unknown[]>()
      columns.forEach((column, i) => {
        const before = known.get(column) ?? []
        const merged = [...new Set([...before, ...rows.map(r => r[`c${i}`]).filter(v => v !== null)])]
        if (merged.length !== before.length) changed = true
        known.set(column, merged)
      })
      values.set(table.key, known)
    }
  }
  return values
}

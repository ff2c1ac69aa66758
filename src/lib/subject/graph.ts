import type {DataMap, TableMap} from '../datamap/schema.js'
import {edgesOf, splitColumnRef} from '../datamap/schema.js'
import type {SchemaInfo, TableInfo} from '../db/introspect.js'
import {stronglyConnected} from './order.js'

export interface PlanEdge {
  column: string
  parent: string
  parentColumn: string
  role?: string
}

export interface PlannedTable {
  key: string
  table: TableInfo
  spec: TableMap
  /** Distance from the root along via edges. */
  level: number
  edges: PlanEdge[]
}

/** Which tables hold a person's rows, in the order their parents' values become known. */
export interface SubjectPlan {
  root: PlannedTable
  /** Every reachable table, root first, each after the tables its edges read (but for cycles), else by level. */
  tables: PlannedTable[]
  /** Mapped tables no via edge connects to the root. */
  unreachable: string[]
  /** For each table other tables point at: the columns they point at. */
  referenced: Map<string, string[]>
}

/**
 * Orders the map's tables by their distance from the root along `via` edges.
 * Each table is placed once, so cycles in the map end the walk.
 */
export function planSubjectGraph(map: DataMap, schema: SchemaInfo): SubjectPlan {
  const rootKey = map.subject.table
  const edgesByTable = new Map<string, PlanEdge[]>()
  const referenced = new Map<string, string[]>()
  for (const [key, spec] of Object.entries(map.tables)) {
    const edges = edgesOf(spec).map(edge => {
      const target = splitColumnRef(edge.to)
      return {column: edge.column, parent: target.table, parentColumn: target.column, ...(edge.role ? {role: edge.role} : {})}
    })
    edgesByTable.set(key, edges)
    for (const edge of edges) {
      const columns = referenced.get(edge.parent) ?? []
      if (!columns.includes(edge.parentColumn)) columns.push(edge.parentColumn)
      referenced.set(edge.parent, columns)
    }
  }
  const rootColumns = referenced.get(rootKey) ?? []
  if (!rootColumns.includes(map.subject.key)) referenced.set(rootKey, [map.subject.key, ...rootColumns])

  const placed = new Map<string, PlannedTable>()
  const plan = (key: string, level: number, edges: PlanEdge[]): PlannedTable => ({key, table: schema.tables.get(key)!, spec: map.tables[key] ?? {}, level, edges})
  placed.set(rootKey, plan(rootKey, 0, []))
  for (let level = 1, grew = true; grew; level++) {
    grew = false
    for (const [key, edges] of edgesByTable) {
      if (placed.has(key) || key === rootKey) continue
      const reachable = edges.filter(e => placed.has(e.parent))
      if (reachable.length === 0) continue
      placed.set(key, plan(key, level, edges))
      grew = true
    }
  }
  const byLevel = [...placed.values()].sort((a, b) => a.level - b.level || a.key.localeCompare(b.key))
  // Level alone is not enough: a table can read a parent no nearer the root than itself (comments on documents, both one edge from the person).
  const parents = (key: string) => key === rootKey ? [] : placed.get(key)!.edges.map(e => e.parent).filter(p => placed.has(p) && p !== key)
  const tables = stronglyConnected(byLevel.map(t => t.key), parents)
    .flatMap(group => byLevel.filter(t => group.includes(t.key)))
  return {
    root: placed.get(rootKey)!,
    tables,
    unreachable: Object.keys(map.tables).filter(key => !placed.has(key)),
    referenced,
  }
}

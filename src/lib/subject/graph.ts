import type {DataMap, SubjectKind, TableMap} from '../datamap/schema.js'
import {edgeColumns, edgeTarget, edgesOf, subjectKinds} from '../datamap/schema.js'
import type {SchemaInfo, TableInfo} from '../db/introspect.js'
import {stronglyConnected} from './strongly-connected.js'

export interface PlanEdge {
  /** The first (usually only) column; `columns` lists all of a composite reference. */
  column: string
  parent: string
  parentColumn: string
  /** Every column of the reference, and the parent's columns they match, in order (one each, or several for a composite foreign key). */
  columns: string[]
  parentColumns: string[]
  role?: string
}

export interface PlannedTable {
  key: string
  table: TableInfo
  spec: TableMap
  /** Distance from the nearest root along via edges. */
  level: number
  edges: PlanEdge[]
}

export interface PlannedRoot {
  kind: SubjectKind
  table: PlannedTable
}

/** Which tables hold a person's rows, in the order their parents' values become known. */
export interface SubjectPlan {
  /** The tables with one row per person, one per kind of person planned for. */
  roots: PlannedRoot[]
  /** Every reachable table, roots first, each after the tables its edges read (but for cycles), else by level. */
  tables: PlannedTable[]
  /** Mapped tables no via edge connects to any kind of person. */
  unreachable: string[]
  /** For each table other tables point at: the columns they point at. */
  referenced: Map<string, string[]>
}

function edgesByTable(map: DataMap, kinds: Set<string>): Map<string, PlanEdge[]> {
  const byTable = new Map<string, PlanEdge[]>()
  for (const [key, spec] of Object.entries(map.tables)) {
    byTable.set(
      key,
      edgesOf(spec)
        .filter(edge => !edge.kind || kinds.has(edge.kind))
        .map(edge => {
          const target = edgeTarget(edge)
          const columns = edgeColumns(edge)
          return {
            column: columns[0]!,
            parent: target.table,
            parentColumn: target.columns[0]!,
            columns,
            parentColumns: target.columns,
            ...(edge.role ? {role: edge.role} : {}),
          }
        }),
    )
  }
  return byTable
}

/** Tables reached from the roots along the edges, each at its distance; other kinds' tables are never entered. */
function walk(roots: string[], edges: Map<string, PlanEdge[]>, closed: Set<string>): Map<string, number> {
  const levels = new Map(roots.map(root => [root, 0]))
  for (let level = 1, grew = true; grew; level++) {
    grew = false
    for (const [key, tableEdges] of edges) {
      if (levels.has(key) || closed.has(key)) continue
      if (!tableEdges.some(e => levels.has(e.parent))) continue
      levels.set(key, level)
      grew = true
    }
  }
  return levels
}

/**
 * Orders the map's tables by their distance from the chosen kinds' tables
 * along `via` edges (every kind when none is named). Each table is placed
 * once, so cycles in the map end the walk. Another kind's table is never
 * entered: the contacts a user created are not that user's data.
 */
export function planSubjectGraph(map: DataMap, schema: SchemaInfo, kindNames?: string[]): SubjectPlan {
  const all = subjectKinds(map)
  const chosen = kindNames ? all.filter(k => kindNames.includes(k.name)) : all
  const rootTables = new Set(all.map(k => k.table))
  const edges = edgesByTable(map, new Set(chosen.map(k => k.name)))
  const referenced = new Map<string, string[]>()
  for (const tableEdges of edges.values()) {
    for (const edge of tableEdges) {
      const columns = referenced.get(edge.parent) ?? []
      for (const column of edge.parentColumns) if (!columns.includes(column)) columns.push(column)
      referenced.set(edge.parent, columns)
    }
  }
  for (const kind of chosen) {
    const columns = referenced.get(kind.table) ?? []
    if (!columns.includes(kind.key)) referenced.set(kind.table, [kind.key, ...columns])
  }
  const levels = walk(
    chosen.map(k => k.table),
    edges,
    rootTables,
  )
  const plan = (key: string, level: number): PlannedTable => ({
    key,
    table: schema.tables.get(key)!,
    spec: map.tables[key] ?? {},
    level,
    edges: level === 0 ? [] : (edges.get(key) ?? []),
  })
  const byLevel = [...levels].map(([key, level]) => plan(key, level)).sort((a, b) => a.level - b.level || a.key.localeCompare(b.key))
  // Level alone is not enough: a table can read a parent no nearer a root than itself (comments on documents, both one edge from the person).
  const parents = (key: string) => (levels.get(key) === 0 ? [] : (edges.get(key) ?? []).map(e => e.parent).filter(p => levels.has(p) && p !== key))
  const tables = stronglyConnected(
    byLevel.map(t => t.key),
    parents,
  ).flatMap(group => byLevel.filter(t => group.includes(t.key)))
  const reachedByAny = walk(
    all.map(k => k.table),
    edgesByTable(map, new Set(all.map(k => k.name))),
    rootTables,
  )
  return {
    roots: chosen.map(kind => ({kind, table: tables.find(t => t.key === kind.table)!})),
    tables,
    unreachable: Object.keys(map.tables).filter(key => !reachedByAny.has(key)),
    referenced,
  }
}

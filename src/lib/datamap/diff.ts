import type {SchemaInfo} from '../db/introspect.js'
import type {MapProblem} from './problem.js'
import {DataMap} from './schema.js'
import {closest} from './suggest.js'

export interface ColumnRef {
  table: string
  column: string
  type?: string
}

/** How the map and the live schema have drifted apart. Empty lists mean they agree. */
export interface MapDrift {
  /** Tables in the database that the map neither maps nor excludes. */
  tablesAdded: string[]
  /** Tables the map (or its exclude list) names that are gone. */
  tablesDropped: string[]
  /** Columns of mapped tables that the map does not classify. */
  columnsUnclassified: ColumnRef[]
  /** Columns the map classifies that are gone. */
  columnsDropped: ColumnRef[]
  /** Dropped and new columns in the same table that look like one renamed column. */
  renamedLooking: Array<{table: string; from: string; to: string}>
  /** References inside the map (via, lookup, retention…) to tables or columns that are gone. */
  brokenReferences: MapProblem[]
}

export function hasDrift(drift: MapDrift): boolean {
  return Object.values(drift).some(list => list.length > 0)
}

/**
 * Compares what the map classifies with what the database has. `problems`
 * are the map's own checks against the schema; those about missing names are
 * drift too, and are kept where no other list already names them.
 */
export function diffMapAgainstSchema(map: DataMap, schema: SchemaInfo, problems: MapProblem[] = []): MapDrift {
  const excluded = new Set(map.exclude ?? [])
  const drift: MapDrift = {tablesAdded: [], tablesDropped: [], columnsUnclassified: [], columnsDropped: [], renamedLooking: [], brokenReferences: []}
  for (const table of schema.tables.values()) {
    if (table.kind === 'view' || table.kind === 'materialized_view') continue
    if (!map.tables[table.key] && !excluded.has(table.key)) drift.tablesAdded.push(table.key)
  }
  for (const key of [...Object.keys(map.tables), ...excluded]) {
    if (!schema.tables.has(key)) drift.tablesDropped.push(key)
  }
  for (const [key, spec] of Object.entries(map.tables)) {
    const table = schema.tables.get(key)
    if (!table) continue
    const classified = spec.columns ?? {}
    const added = table.columns.filter(c => !classified[c.name])
    const dropped = Object.keys(classified).filter(name => !table.columns.some(c => c.name === name))
    drift.columnsUnclassified.push(...added.map(c => ({table: key, column: c.name, type: c.type})))
    drift.columnsDropped.push(...dropped.map(column => ({table: key, column})))
    for (const from of dropped) {
      const names = added.map(c => c.name)
      const to =
        added.length === 1 && dropped.length === 1 ? names[0] : (names.find(name => name.includes(from) || from.includes(name)) ?? closest(from, names))
      if (to) drift.renamedLooking.push({table: key, from, to})
    }
  }
  const listed = new Set([...drift.tablesDropped.map(t => `tables.${t}`), ...drift.columnsDropped.map(c => `tables.${c.table}.columns.${c.column}`)])
  drift.brokenReferences = problems.filter(p => p.kind === 'missing' && !listed.has(p.path) && !p.path.startsWith('exclude.'))
  return drift
}

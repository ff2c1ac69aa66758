import type {OracleMap} from './map.js'
import type {Json} from '../model.js'
import {Snapshot, cellText} from './snapshot.js'

/** For each table, the indexes (into the snapshot's rows) of the rows the map ties to a person. */
export type Attribution = Map<string, Set<number>>

/**
 * The map's meaning, computed without the tool: the root row by key, then
 * every row of a mapped table whose `via` column holds the pointed-at value
 * of a row already tied to the person, repeated until nothing changes (so
 * cycles settle). A row belongs to the person when any of its edges does.
 */
export function attribute(snapshot: Snapshot, map: OracleMap, personKey: string): Attribution {
  const result: Attribution = new Map()
  const rootRows = snapshot.tables.get(map.subject.table) ?? []
  result.set(map.subject.table, new Set(rootRows.flatMap((row, i) => (cellText(row.json[map.subject.key]) === personKey ? [i] : []))))
  for (let changed = true; changed;) {
    changed = false
    for (const [key, spec] of map.tables) {
      if (key === map.subject.table) continue
      const rows = snapshot.tables.get(key)
      if (!rows) continue
      const mine = result.get(key) ?? new Set<number>()
      for (const edge of spec.edges) {
        const parents = result.get(edge.parent)
        const parentRows = snapshot.tables.get(edge.parent)
        if (!parents || !parentRows) continue
        const values = new Set([...parents].map(i => cellText(parentRows[i]!.json[edge.parentColumn])).filter(v => v !== undefined))
        const parentArray = parentRows.some(row => Array.isArray(row.json[edge.parentColumn]))
        rows.forEach((row, i) => {
          if (edgeValues(row.json[edge.column], parentArray).some(v => values.has(v)) && !mine.has(i)) {
            mine.add(i)
            changed = true
          }
        })
      }
      result.set(key, mine)
    }
  }
  return result
}

/**
 * The values a row's edge column offers to match against its parent's. An
 * array pointing at a column that is not one (a list of e-mail addresses
 * naming people by their address) matches when any element does: a `via` on
 * such a column ties the row to everyone it lists, which is how the scan
 * proposes such an edge (by elements) and how a reviewer reads it. Comparing
 * the whole array with one address tied no row to anyone, so erasing those
 * rows was called a change to someone else's.
 */
function edgeValues(value: Json | undefined, parentArray: boolean): string[] {
  if (Array.isArray(value) && !parentArray) return value.map(cellText).filter((v): v is string => v !== undefined)
  const text = cellText(value)
  return text === undefined ? [] : [text]
}

import type {SubjectPlan} from './graph.js'
import {stronglyConnected} from './strongly-connected.js'

/**
 * The plan's tables in groups, each after the groups it reads: a group is one
 * table, or the tables of a cycle of `via` edges (a self-reference counts),
 * whose rows can be found only by going round it until nothing new turns up.
 */
export function fillGroups(plan: SubjectPlan): Array<{tables: string[]; cyclic: boolean}> {
  const inPlan = new Set(plan.tables.map(t => t.key))
  const roots = new Set(plan.roots.map(r => r.table.key))
  const parents = new Map(plan.tables.map(t => [t.key, t.level === 0 ? [] : t.edges.map(e => e.parent).filter(p => inPlan.has(p) && !roots.has(p))]))
  return stronglyConnected(
    plan.tables.map(t => t.key),
    node => parents.get(node) ?? [],
  ).map(group => ({
    tables: plan.tables.filter(t => group.includes(t.key)).map(t => t.key),
    cyclic: group.length > 1 || parents.get(group[0]!)!.includes(group[0]!),
  }))
}

/** Tables whose rows can be found only by going round a cycle of `via` edges (a self-reference counts). */
export function tablesInCycles(plan: SubjectPlan): Set<string> {
  return new Set(
    fillGroups(plan)
      .filter(g => g.cyclic)
      .flatMap(g => g.tables),
  )
}

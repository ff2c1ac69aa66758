import type {SubjectPlan} from './graph.js'

/**
 * Groups of nodes that reach each other (Tarjan's algorithm), each group
 * after the groups it depends on. `dependsOn(a)` lists the nodes `a` needs
 * first.
 */
export function stronglyConnected(nodes: string[], dependsOn: (node: string) => string[]): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  let next = 0
  const visit = (node: string) => {
    index.set(node, next)
    low.set(node, next)
    next++
    stack.push(node)
    onStack.add(node)
    for (const other of dependsOn(node)) {
      if (!index.has(other)) {
        visit(other)
        low.set(node, Math.min(low.get(node)!, low.get(other)!))
      } else if (onStack.has(other)) {
        low.set(node, Math.min(low.get(node)!, index.get(other)!))
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        group.push(member)
      } while (member !== node)
      groups.push(group.sort())
    }
  }
  for (const node of nodes) if (!index.has(node)) visit(node)
  return groups
}

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

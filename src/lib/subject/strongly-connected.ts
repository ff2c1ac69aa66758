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

/**
 * The order in which tables get their rows, and the references whose values
 * come from another table's rows: foreign keys, and the references without a
 * foreign key that the labels name. A reference that cannot be filled when
 * its table is (a self-reference, a cycle) is deferred until every table has
 * its rows.
 */
import {tableKeyOf} from './build.js'
import type {CorpusLabels, CorpusSchema, CorpusTable} from './types.js'

export interface Reference {
  columns: string[]
  target: string
  targetColumns: string[]
  deferred: boolean
  /** A polymorphic reference's type column (`target_type`) and the class name it holds. */
  typeColumn?: string
  typeValue?: string
}

/** `accounts` → `Account`, `oauth_access_tokens` → `Doorkeeper::AccessToken` is beyond us: `OauthAccessToken`. */
export function className(table: string): string {
  const singular = table
    .replace(/ies$/, 'y')
    .replace(/(ss|x|ch|sh)es$/, '$1')
    .replace(/([^s])s$/, '$1')
  return singular
    .split(/[_\s]+/)
    .map(w => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
}

/** `schema.table.column` → the table's key and the column, matching the longest table key the schema has. */
export function splitColumnPath(path: string, tables: Set<string>): {table: string; column: string} | undefined {
  for (let dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
    if (tables.has(path.slice(0, dot))) return {table: path.slice(0, dot), column: path.slice(dot + 1)}
  }
  return undefined
}

function referencesOf(table: CorpusTable, labels: CorpusLabels | undefined, tables: Set<string>): Reference[] {
  const references: Reference[] = []
  // References may share columns (two composite keys over the same tenant id); the generator fills the
  // later ones from rows that agree with what the earlier ones chose. The same columns twice are one reference.
  const add = (reference: Reference) => {
    if (references.some(r => r.columns.join() === reference.columns.join() && r.target === reference.target)) return
    references.push(reference)
  }
  for (const fk of [...table.foreignKeys].sort((a, b) => b.columns.length - a.columns.length)) {
    add({columns: fk.columns, target: fk.references, targetColumns: fk.referencedColumns, deferred: false})
  }
  for (const reach of labels?.reaches[tableKeyOf(table)] ?? []) {
    if (reach.fk) continue
    const to = splitColumnPath(reach.to, tables)
    const columns = Array.isArray(reach.column) ? reach.column : [reach.column]
    if (!to || columns.some(c => !table.columns.some(col => col.name === c))) continue
    const typeColumn = columns.length > 1 ? columns.find(c => /(_type|Type)$/.test(c)) : undefined
    add({
      columns,
      target: to.table,
      targetColumns: [to.column],
      deferred: false,
      ...(typeColumn ? {typeColumn, typeValue: className(to.table.slice(to.table.indexOf('.') + 1))} : {}),
    })
  }
  return references
}

export function planReferences(corpus: CorpusSchema, labels: CorpusLabels | undefined): {order: CorpusTable[]; references: Map<string, Reference[]>} {
  const keys = new Set(corpus.tables.map(tableKeyOf))
  const references = new Map(corpus.tables.map(t => [tableKeyOf(t), referencesOf(t, labels, keys)]))
  for (const [key, list] of references) for (const r of list) r.deferred = r.target === key
  const order: CorpusTable[] = []
  const done = new Set<string>()
  const waitingOn = (table: CorpusTable) => references.get(tableKeyOf(table))!.filter(r => !r.deferred && keys.has(r.target) && !done.has(r.target))
  let pending = [...corpus.tables]
  while (pending.length > 0) {
    let ready = pending.filter(t => waitingOn(t).length === 0)
    if (ready.length === 0) {
      // A cycle: of the tables on one, a table whose waits are all on nullable columns goes first (as the app
      // itself would insert it), else the one waiting on the fewest others; its waits are filled afterwards.
      const isNullable = (table: CorpusTable, r: Reference) => r.columns.every(c => table.columns.find(col => col.name === c)?.nullable)
      const onCycle = tablesOnCycles(pending, t => waitingOn(t).map(r => r.target))
      const byWaits = pending
        .filter(t => onCycle.has(tableKeyOf(t)))
        .sort((a, b) => waitingOn(a).length - waitingOn(b).length || tableKeyOf(a).localeCompare(tableKeyOf(b)))
      const first = byWaits.find(t => waitingOn(t).every(r => isNullable(t, r))) ?? byWaits[0]!
      for (const r of waitingOn(first)) r.deferred = true
      ready = [first]
    }
    for (const table of ready) {
      order.push(table)
      done.add(tableKeyOf(table))
    }
    pending = pending.filter(t => !done.has(tableKeyOf(t)))
  }
  return {order, references}
}

/** The tables that wait, through others, on themselves (strongly connected components of more than one table). */
function tablesOnCycles(tables: CorpusTable[], waits: (table: CorpusTable) => string[]): Set<string> {
  const byKey = new Map(tables.map(t => [tableKeyOf(t), t]))
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const result = new Set<string>()
  let counter = 0
  const visit = (key: string) => {
    index.set(key, counter)
    low.set(key, counter++)
    stack.push(key)
    onStack.add(key)
    for (const next of waits(byKey.get(key)!).filter(k => byKey.has(k))) {
      if (!index.has(next)) {
        visit(next)
        low.set(key, Math.min(low.get(key)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(key, Math.min(low.get(key)!, index.get(next)!))
    }
    if (low.get(key) !== index.get(key)) return
    const component: string[] = []
    for (let top = stack.pop()!; ; top = stack.pop()!) {
      onStack.delete(top)
      component.push(top)
      if (top === key) break
    }
    if (component.length > 1) for (const k of component) result.add(k)
  }
  for (const key of byKey.keys()) if (!index.has(key)) visit(key)
  return result
}

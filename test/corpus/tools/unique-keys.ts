/**
 * Keeps generated rows within a table's primary key and unique indexes. An
 * index on expressions counts as unique over the columns its expressions
 * name, compared without case (`lower(email)`, `COALESCE(lower(domain), '')`);
 * a partial index counts as if it had no predicate. Both are stricter than
 * Postgres, so every row kept is one Postgres accepts.
 */
import type {Value} from './personal-values.js'
import type {CorpusTable} from './types.js'

interface Part {
  column: string
  /** Part of an expression: compared lower-cased, NULL as ''. */
  folded: boolean
}

export class UniqueKeys {
  private readonly indexes: Array<{parts: Part[]; seen: Set<string>}>

  constructor(table: CorpusTable) {
    const columns = table.columns.map(c => c.name)
    const sets: Part[][] = []
    if (table.primaryKey.length > 0) sets.push(table.primaryKey.map(column => ({column, folded: false})))
    for (const index of table.uniqueIndexes) {
      const expressions = [...(index.expressions ?? [])]
      const parts: Part[] = []
      for (const column of index.columns) {
        if (column !== null) parts.push({column, folded: false})
        else for (const named of columnsNamedIn(expressions.shift() ?? '', columns)) parts.push({column: named, folded: true})
      }
      if (parts.length > 0) sets.push(parts)
    }
    this.indexes = sets.map(parts => ({parts, seen: new Set<string>()}))
  }

  /** Columns that take part in some unique index. */
  columns(): Set<string> {
    return new Set(this.indexes.flatMap(i => i.parts.map(p => p.column)))
  }

  /** Whether the row clashes with a row already accepted, looking only at indexes whose columns are all known. */
  clashes(row: Record<string, Value | undefined>): boolean {
    return this.indexes.some(index => {
      const key = keyOf(index.parts, row)
      return key !== undefined && index.seen.has(key)
    })
  }

  accept(row: Record<string, Value | undefined>): void {
    for (const index of this.indexes) {
      const key = keyOf(index.parts, row)
      if (key !== undefined) index.seen.add(key)
    }
  }

  /** Forgets the indexes that involve any of these columns, so they can be checked again once those columns are filled. */
  reset(columns: Set<string>): void {
    for (const index of this.indexes) if (index.parts.some(p => columns.has(p.column))) index.seen.clear()
  }
}

/** The index's key for a row, or undefined when a column is not filled yet or a plain column is NULL (NULLs never clash). */
function keyOf(parts: Part[], row: Record<string, Value | undefined>): string | undefined {
  const values: unknown[] = []
  for (const part of parts) {
    const value = row[part.column]
    if (value === undefined) return undefined
    if (value === null && !part.folded) return undefined
    values.push(part.folded ? String(value ?? '').toLowerCase() : value)
  }
  return JSON.stringify(values)
}

/** The table's columns an index expression mentions, quoted or not. */
export function columnsNamedIn(expression: string, columns: string[]): string[] {
  const named = new Set<string>()
  for (const match of expression.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)/g)) {
    const name = match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]!
    if (columns.includes(name)) named.add(name)
  }
  return [...named]
}

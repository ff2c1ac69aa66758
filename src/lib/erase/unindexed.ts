import type {SchemaInfo, TableInfo} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'

/** A foreign key Postgres will check by scanning its whole table once for every deleted row it points into. */
export interface UnindexedReference {
  constraint: string
  table: string
  columns: string[]
  references: string
  /** Rows the erasure deletes from the referenced table: how many scans. */
  deletedRows: number
  /** The referencing table's estimated rows: what each scan reads. */
  tableRows: number
  /** The index that turns each scan into a lookup. */
  createIndex: string
}

/** Whether some index of the table starts with exactly these columns (in any order), so a lookup by them can use it. */
export function hasLeadingIndex(table: TableInfo, columns: string[]): boolean {
  const wanted = new Set(columns)
  return table.indexes.some(index => index.length >= wanted.size && index.slice(0, wanted.size).every(c => wanted.has(c)))
}

/**
 * Deleting a row makes Postgres look for rows still referencing it, through
 * every foreign key into its table (the check, or ON DELETE CASCADE / SET
 * NULL). Without an index on the referencing columns each lookup is a
 * sequential scan, so a batch erasure reads the referencing table once per
 * deleted row: the cost the erasure plan warns about.
 */
export function unindexedReferences(schema: SchemaInfo, deletedRows: Map<string, number>): UnindexedReference[] {
  const found: UnindexedReference[] = []
  for (const table of schema.tables.values()) {
    for (const fk of table.foreignKeys) {
      const deleted = deletedRows.get(fk.references) ?? 0
      if (deleted === 0 || hasLeadingIndex(table, fk.columns)) continue
      // CONCURRENTLY does not lock out writes, but Postgres refuses it on a partitioned parent.
      const concurrently = table.kind === 'partitioned' ? '' : ' CONCURRENTLY'
      found.push({
        constraint: fk.name,
        table: table.key,
        columns: fk.columns,
        references: fk.references,
        deletedRows: deleted,
        tableRows: table.rowEstimate,
        createIndex: `CREATE INDEX${concurrently} ON ${quoteTable(table)} (${fk.columns.map(quoteIdent).join(', ')})`,
      })
    }
  }
  return found.sort((a, b) => b.deletedRows * b.tableRows - a.deletedRows * a.tableRows || a.table.localeCompare(b.table))
}

/** Below this many rows read in all, the scans take well under a second and are not worth a warning. */
const WORTH_WARNING_ROWS = 1_000_000

export function costlyReferences(references: UnindexedReference[]): UnindexedReference[] {
  return references.filter(r => r.deletedRows * r.tableRows >= WORTH_WARNING_ROWS)
}

import type pg from 'pg'

import type {SchemaInfo, TableInfo} from '../db/introspect.js'
import {SYSTEM_SCHEMAS, TOOL_SCHEMA} from '../db/server-facts.js'
import {tableKey} from '../db/sql.js'
import type {SearchTarget} from './count-query.js'

/** Types that can hold a person's identifiers as text: strings, JSON (keys and values), network addresses. */
const SEARCHABLE_TYPES = ['text', 'varchar', 'bpchar', 'citext', 'json', 'jsonb', 'inet', 'cidr']
/** Relations that hold rows of their own; a view shows rows that live in its tables. */
const SEARCHABLE_KINDS: ReadonlySet<TableInfo['kind']> = new Set(['table', 'partitioned', 'materialized_view'])

/**
 * Every column of every table (and populated materialized view) whose type
 * is, or is a domain over, or is an array of, a searchable type, keyed by
 * table; this tool's own schema left out.
 */
export async function searchableColumns(db: pg.Pool | pg.ClientBase): Promise<Map<string, Set<string>>> {
  const {rows} = await db.query<{schema: string; name: string; column: string}>(
    `
    WITH RECURSIVE base(oid, base) AS (
      SELECT oid, oid FROM pg_type WHERE typtype <> 'd'
      UNION ALL
      SELECT t.oid, b.base FROM pg_type t JOIN base b ON b.oid = t.typbasetype WHERE t.typtype = 'd'
    )
    SELECT n.nspname AS schema, c.relname AS name, a.attname AS column
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN base b ON b.oid = a.atttypid JOIN pg_type t ON t.oid = b.base
    LEFT JOIN base eb ON eb.oid = t.typelem AND t.typcategory = 'A' LEFT JOIN pg_type et ON et.oid = eb.base
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm') AND c.relispopulated
      AND n.nspname <> ALL($1) AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'
      AND coalesce(et.typname, t.typname) = ANY($2)
    ORDER BY n.nspname, c.relname, a.attnum`,
    [[...SYSTEM_SCHEMAS, TOOL_SCHEMA], SEARCHABLE_TYPES],
  )
  const columns = new Map<string, Set<string>>()
  for (const row of rows) {
    const key = tableKey(row)
    columns.set(key, (columns.get(key) ?? new Set()).add(row.column))
  }
  return columns
}

export interface AllTables {
  targets: SearchTarget[]
  /** Tables that may hold identifiers but this role may not read. */
  unreadable: string[]
  /** Tables row-level security hides rows of from this role: searched, but only the rows it can see. */
  partlyVisible: string[]
}

/** A search target for every readable table with a searchable column (partitions are read through their parent). */
export function everyTable(schema: SchemaInfo, columns: Map<string, Set<string>>): AllTables {
  const result: AllTables = {targets: [], unreadable: [], partlyVisible: []}
  for (const table of schema.tables.values()) {
    const names = columns.get(table.key)
    if (!names || !SEARCHABLE_KINDS.has(table.kind)) continue
    if (!table.isReadable) {
      result.unreadable.push(table.key)
      continue
    }
    if (!table.rowSecurity.bypassed) result.partlyVisible.push(table.key)
    result.targets.push({table, columns: table.columns.filter(c => names.has(c.name))})
  }
  return result
}

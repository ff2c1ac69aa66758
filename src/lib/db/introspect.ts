import type pg from 'pg'

import {SYSTEM_SCHEMAS, TOOL_SCHEMA} from './server-facts.js'
import {tableKey} from './sql.js'

export interface ColumnInfo {
  name: string
  /** Formatted type, e.g. `character varying(80)`, `text[]`, `inet`. */
  type: string
  /** Base type name without modifiers or array brackets: `varchar`, `text`, `jsonb`. */
  baseType: string
  isArray: boolean
  isNullable: boolean
  default: string | null
  maxLength: number | null
  position: number
}

export interface ForeignKeyInfo {
  name: string
  columns: string[]
  references: string
  referencedColumns: string[]
  onDelete: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default'
  isDeferrable: boolean
}

export interface TableInfo {
  key: string
  schema: string
  name: string
  kind: 'table' | 'partitioned' | 'view' | 'materialized_view' | 'foreign'
  columns: ColumnInfo[]
  primaryKey: string[]
  uniqueConstraints: string[][]
  /** Key columns of each B-tree index with no predicate, in index order, up to the first expression. */
  indexes: string[][]
  foreignKeys: ForeignKeyInfo[]
  rowEstimate: number
  /** Partitions of a partitioned table (their rows are read through the parent). */
  partitions: string[]
  /** Parent of a table that inherits (non-partition inheritance). */
  inheritsFrom: string | null
  /** Whether the connected role may SELECT from it. */
  isReadable: boolean
}

export interface SchemaInfo {
  tables: Map<string, TableInfo>
}

const ON_DELETE: Record<string, ForeignKeyInfo['onDelete']> = {a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default'}
const KINDS: Record<string, TableInfo['kind']> = {r: 'table', p: 'partitioned', v: 'view', m: 'materialized_view', f: 'foreign'}

/**
 * Reads the database's own catalog: every user table (partitioned parents
 * stand for their partitions), view, column, key and foreign key, leaving
 * out system schemas and this tool's own schema.
 */
export async function introspect(pool: pg.Pool | pg.ClientBase): Promise<SchemaInfo> {
  const excluded = [...SYSTEM_SCHEMAS, TOOL_SCHEMA]
  const relations = await pool.query<{oid: number; schema: string; name: string; kind: string; estimate: string; readable: boolean; parent: string | null; is_partition: boolean}>(`
    SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind,
           greatest(c.reltuples, 0)::bigint AS estimate,
           has_table_privilege(c.oid, 'SELECT') AS readable,
           (SELECT pn.nspname || '.' || p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
              JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid LIMIT 1) AS parent,
           c.relispartition AS is_partition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname <> ALL($1) AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'
    ORDER BY n.nspname, c.relname`, [excluded])
  const columns = await pool.query<{oid: number; name: string; type: string; base: string; is_array: boolean; not_null: boolean; default: string | null; max_length: number | null; position: number}>(`
    SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           coalesce(et.typname, t.typname) AS base, t.typcategory = 'A' AS is_array,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
           CASE WHEN a.atttypmod > 4 AND coalesce(et.typname, t.typname) IN ('varchar', 'bpchar') THEN a.atttypmod - 4 END AS max_length,
           a.attnum AS position
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname <> ALL($1)
    ORDER BY a.attrelid, a.attnum`, [excluded])
  const constraints = await pool.query<{oid: number; name: string; type: string; columns: string[]; ref_table: string | null; ref_columns: string[] | null; on_delete: string; deferrable: boolean}>(`
    SELECT con.conrelid::int AS oid, con.conname AS name, con.contype AS type,
           ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
           CASE WHEN con.contype = 'f' THEN rn.nspname || '.' || rc.relname END AS ref_table,
           CASE WHEN con.contype = 'f' THEN ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord) END AS ref_columns,
           con.confdeltype AS on_delete, con.condeferrable AS deferrable
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE con.contype IN ('p', 'u', 'f') AND n.nspname <> ALL($1) AND con.conparentid = 0
    ORDER BY con.conrelid, con.conname`, [excluded])
  const indexes = await pool.query<{oid: number; columns: Array<string | null>}>(`
    SELECT i.indrelid::int AS oid,
           ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
                 WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
    JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE am.amname = 'btree' AND i.indpred IS NULL AND n.nspname <> ALL($1)`, [excluded])

  const byOid = new Map<number, TableInfo>()
  const tables = new Map<string, TableInfo>()
  const partitionParents = new Map<number, string>()
  for (const row of relations.rows) {
    if (row.is_partition) {
      partitionParents.set(row.oid, row.parent ?? '')
      continue
    }
    const table: TableInfo = {
      key: tableKey(row),
      schema: row.schema,
      name: row.name,
      kind: KINDS[row.kind] ?? 'table',
      columns: [],
      primaryKey: [],
      uniqueConstraints: [],
      indexes: [],
      foreignKeys: [],
      rowEstimate: Number(row.estimate),
      partitions: [],
      inheritsFrom: row.parent,
      isReadable: row.readable,
    }
    byOid.set(row.oid, table)
    tables.set(table.key, table)
  }
  for (const row of relations.rows) {
    if (!row.is_partition || !row.parent) continue
    const parent = tables.get(row.parent)
    if (parent) {
      parent.partitions.push(tableKey(row))
      parent.rowEstimate += Number(row.estimate)
    }
  }
  for (const row of columns.rows) {
    byOid.get(row.oid)?.columns.push({
      name: row.name,
      type: row.type,
      baseType: row.base,
      isArray: row.is_array,
      isNullable: !row.not_null,
      default: row.default,
      maxLength: row.max_length,
      position: row.position,
    })
  }
  for (const row of constraints.rows) {
    const table = byOid.get(row.oid)
    if (!table) continue
    if (row.type === 'p') table.primaryKey = row.columns
    else if (row.type === 'u') table.uniqueConstraints.push(row.columns)
    else if (row.ref_table && row.ref_columns) {
      table.foreignKeys.push({
        name: row.name,
        columns: row.columns,
        references: row.ref_table,
        referencedColumns: row.ref_columns,
        onDelete: ON_DELETE[row.on_delete] ?? 'no action',
        isDeferrable: row.deferrable,
      })
    }
  }
  for (const row of indexes.rows) {
    const expression = row.columns.indexOf(null)
    const columns = (expression < 0 ? row.columns : row.columns.slice(0, expression)) as string[]
    if (columns.length > 0) byOid.get(row.oid)?.indexes.push(columns)
  }
  return {tables}
}

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
  /** Computed by Postgres (`GENERATED ALWAYS AS …`): never written, only read. */
  generated: 'stored' | 'virtual' | null
}

export interface ForeignKeyInfo {
  name: string
  columns: string[]
  references: string
  referencedColumns: string[]
  onDelete: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default'
  isDeferrable: boolean
}

/** A unique B-tree index: plain, on expressions (`lower(email)`), or partial (`WHERE deleted_at IS NULL`). */
export interface UniqueIndexInfo {
  name: string
  /** One entry per key position: the column, or null where the key is an expression. */
  columns: Array<string | null>
  /** The expressions of the non-column positions, as Postgres prints them, e.g. `lower((email)::text)`. */
  expressions: string[]
  /** The predicate of a partial index, or null. */
  predicate: string | null
  /** Backs a primary key or unique constraint (also listed there). */
  isConstraint: boolean
}

/** Row-level security as it applies to the connected role. */
export interface RowSecurityInfo {
  enabled: boolean
  forced: boolean
  /** The role sees every row anyway: superuser, BYPASSRLS, or owner of a table whose security is not forced. */
  bypassed: boolean
}

export interface TableInfo {
  key: string
  schema: string
  name: string
  kind: 'table' | 'partitioned' | 'view' | 'materialized_view' | 'foreign'
  columns: ColumnInfo[]
  primaryKey: string[]
  uniqueConstraints: string[][]
  /** Every unique index, including the ones behind constraints. */
  uniqueIndexes: UniqueIndexInfo[]
  /** Key columns of each B-tree index with no predicate, in index order, up to the first expression. */
  indexes: string[][]
  foreignKeys: ForeignKeyInfo[]
  rowEstimate: number
  /** Partitions of a partitioned table (their rows are read through the parent). */
  partitions: string[]
  /** Parent of a table that inherits (non-partition inheritance). */
  inheritsFrom: string | null
  /** Tables that inherit from this one (non-partition inheritance): a plain read of this table includes their rows. */
  inheritedBy: string[]
  /** Whether the connected role may SELECT from it. */
  isReadable: boolean
  /** Whether the connected role may UPDATE and DELETE rows of it. */
  canUpdate: boolean
  canDelete: boolean
  rowSecurity: RowSecurityInfo
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
  const relations = await pool.query<{
    oid: number
    schema: string
    name: string
    kind: string
    estimate: string
    readable: boolean
    updatable: boolean
    deletable: boolean
    parent_schema: string | null
    parent_name: string | null
    is_partition: boolean
    rls: boolean
    rls_forced: boolean
    rls_bypassed: boolean
  }>(
    `
    SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind,
           greatest(c.reltuples, 0)::bigint AS estimate,
           has_table_privilege(c.oid, 'SELECT') AS readable,
           has_table_privilege(c.oid, 'UPDATE') AS updatable,
           has_table_privilege(c.oid, 'DELETE') AS deletable,
           c.relrowsecurity AS rls, c.relforcerowsecurity AS rls_forced,
           (SELECT r.rolsuper OR r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user)
             OR (pg_has_role(c.relowner, 'USAGE') AND NOT c.relforcerowsecurity) AS rls_bypassed,
           (SELECT pn.nspname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
              JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid LIMIT 1) AS parent_schema,
           (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid LIMIT 1) AS parent_name,
           c.relispartition AS is_partition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname <> ALL($1) AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'
    ORDER BY n.nspname, c.relname`,
    [excluded],
  )
  const columns = await pool.query<{
    oid: number
    name: string
    type: string
    base: string
    is_array: boolean
    not_null: boolean
    default: string | null
    max_length: number | null
    position: number
    generated: string
  }>(
    `
    SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           coalesce(et.typname, t.typname) AS base, t.typcategory = 'A' AS is_array,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
           CASE WHEN a.atttypmod > 4 AND coalesce(et.typname, t.typname) IN ('varchar', 'bpchar') THEN a.atttypmod - 4 END AS max_length,
           a.attnum AS position, a.attgenerated::text AS generated
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname <> ALL($1)
    ORDER BY a.attrelid, a.attnum`,
    [excluded],
  )
  const constraints = await pool.query<{
    oid: number
    name: string
    type: string
    columns: string[]
    ref_schema: string | null
    ref_name: string | null
    ref_columns: string[] | null
    on_delete: string
    deferrable: boolean
  }>(
    `
    SELECT con.conrelid::int AS oid, con.conname AS name, con.contype AS type,
           ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
           CASE WHEN con.contype = 'f' THEN rn.nspname END AS ref_schema, CASE WHEN con.contype = 'f' THEN rc.relname END AS ref_name,
           CASE WHEN con.contype = 'f' THEN ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord) END AS ref_columns,
           con.confdeltype AS on_delete, con.condeferrable AS deferrable
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE con.contype IN ('p', 'u', 'f') AND n.nspname <> ALL($1) AND con.conparentid = 0
    ORDER BY con.conrelid, con.conname`,
    [excluded],
  )
  const indexes = await pool.query<{
    oid: number
    name: string
    columns: Array<string | null>
    unique: boolean
    constraint: boolean
    predicate: string | null
    expressions: string[]
  }>(
    `
    SELECT i.indrelid::int AS oid, ic.relname AS name, i.indisunique AS unique,
           EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u')) AS constraint,
           pg_get_expr(i.indpred, i.indrelid) AS predicate,
           ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
                 WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns,
           ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int, true) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                 WHERE k.ord <= i.indnkeyatts AND k.num = 0 ORDER BY k.ord) AS expressions
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
    JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE am.amname = 'btree' AND n.nspname <> ALL($1)
    ORDER BY i.indrelid, ic.relname`,
    [excluded],
  )

  const byOid = new Map<number, TableInfo>()
  const tables = new Map<string, TableInfo>()
  const partitionParents = new Map<number, string>()
  const parentOf = (row: {parent_schema: string | null; parent_name: string | null}) =>
    row.parent_schema !== null && row.parent_name !== null ? tableKey({schema: row.parent_schema, name: row.parent_name}) : null
  for (const row of relations.rows) {
    if (row.is_partition) {
      partitionParents.set(row.oid, parentOf(row) ?? '')
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
      uniqueIndexes: [],
      indexes: [],
      foreignKeys: [],
      rowEstimate: Number(row.estimate),
      partitions: [],
      inheritsFrom: parentOf(row),
      inheritedBy: [],
      isReadable: row.readable,
      canUpdate: row.updatable,
      canDelete: row.deletable,
      rowSecurity: {enabled: row.rls, forced: row.rls_forced, bypassed: !row.rls || row.rls_bypassed === true},
    }
    byOid.set(row.oid, table)
    tables.set(table.key, table)
  }
  for (const row of relations.rows) {
    const parentKey = parentOf(row)
    if (!parentKey) continue
    const parent = tables.get(parentKey)
    if (!parent) continue
    if (row.is_partition) {
      parent.partitions.push(tableKey(row))
      parent.rowEstimate += Number(row.estimate)
    } else {
      parent.inheritedBy.push(tableKey(row))
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
      generated: row.generated === 's' ? 'stored' : row.generated === 'v' ? 'virtual' : null,
    })
  }
  for (const row of constraints.rows) {
    const table = byOid.get(row.oid)
    if (!table) continue
    if (row.type === 'p') table.primaryKey = row.columns
    else if (row.type === 'u') table.uniqueConstraints.push(row.columns)
    else if (row.ref_schema !== null && row.ref_name !== null && row.ref_columns) {
      table.foreignKeys.push({
        name: row.name,
        columns: row.columns,
        references: tableKey({schema: row.ref_schema, name: row.ref_name}),
        referencedColumns: row.ref_columns,
        onDelete: ON_DELETE[row.on_delete] ?? 'no action',
        isDeferrable: row.deferrable,
      })
    }
  }
  for (const row of indexes.rows) {
    const table = byOid.get(row.oid)
    if (!table) continue
    if (row.unique)
      table.uniqueIndexes.push({name: row.name, columns: row.columns, expressions: row.expressions, predicate: row.predicate, isConstraint: row.constraint})
    if (row.predicate !== null) continue
    const expression = row.columns.indexOf(null)
    const columns = (expression < 0 ? row.columns : row.columns.slice(0, expression)) as string[]
    if (columns.length > 0) table.indexes.push(columns)
  }
  return {tables}
}

/**
 * Columns whose values must differ from row to row: a primary key or unique
 * constraint of one column, or a unique index (plain, partial, or on an
 * expression of that one column such as `lower(email)`).
 */
export function isUniqueColumn(table: TableInfo, column: string): boolean {
  if (table.primaryKey.length === 1 && table.primaryKey[0] === column) return true
  if (table.uniqueConstraints.some(u => u.length === 1 && u[0] === column)) return true
  return table.uniqueIndexes.some(
    index => index.columns.length === 1 && (index.columns[0] === column || (index.columns[0] === null && expressionColumn(index.expressions[0]!) === column)),
  )
}

/**
 * Columns that must be compared without regard to case: citext, or a unique
 * index on `lower(column)` (the usual Rails and Prisma way).
 */
export function isCaseInsensitiveColumn(table: TableInfo, column: string): boolean {
  if (table.columns.find(c => c.name === column)?.baseType === 'citext') return true
  return table.uniqueIndexes.some(
    index =>
      index.columns.length === 1 &&
      index.columns[0] === null &&
      /^(lower|upper)\(/i.test(index.expressions[0]!) &&
      expressionColumn(index.expressions[0]!) === column,
  )
}

/** Columns that identify one row on their own: single-column keys, unique constraints and unique indexes without a predicate. */
export function uniqueLookupColumns(table: TableInfo): string[] {
  return table.columns.map(c => c.name).filter(name => isUniqueColumn(table, name))
}

/** The one column an index expression such as `lower((email)::text)` or `lower("E-Mail")` reads, if it reads exactly one. */
export function expressionColumn(expression: string): string | undefined {
  const names = expressionColumns(expression)
  return names.size === 1 ? [...names][0] : undefined
}

/**
 * Columns whose value must differ from row to row once the other columns of
 * a unique key are equal: any column of a primary key, unique constraint or
 * unique index (of one column or several, plain or on expressions). A
 * constant written into it by two rows that share the rest of the key would
 * collide.
 */
export function isInUniqueKey(table: TableInfo, column: string): boolean {
  if (table.primaryKey.includes(column) || table.uniqueConstraints.some(u => u.includes(column))) return true
  return table.uniqueIndexes.some(index => index.columns.includes(column) || index.expressions.some(e => expressionColumns(e).has(column)))
}

function expressionColumns(expression: string): Set<string> {
  const names = new Set<string>()
  const pattern = /"((?:[^"]|"")+)"|\b([a-z_][a-z0-9_$]*)\b(?!\s*\()/gi
  const withoutCasts = expression.replace(/::[a-z ]+(\([0-9, ]+\))?(\[\])?/gi, '')
  const withoutStrings = withoutCasts.replace(/'(?:[^']|'')*'/g, '')
  for (const match of withoutStrings.matchAll(pattern)) names.add(match[1] ? match[1].replace(/""/g, '"') : match[2]!)
  return names
}

/** Tables whose rows the connected role cannot all see: row-level security applies and the role does not bypass it. */
export function hiddenByRowSecurity(tables: TableInfo[]): string[] {
  return tables.filter(t => t.rowSecurity.enabled && !t.rowSecurity.bypassed).map(t => t.key)
}

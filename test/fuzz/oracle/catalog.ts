import type pg from 'pg'

/** What the oracle knows of the live schema, read from pg_catalog by itself. */
export interface OracleTable {
  key: string
  /** `"schema"."name"`. */
  sql: string
  columns: string[]
  /** Column → type name (`jsonb`, `_text` for text[]…). */
  types: Map<string, string>
  generated: string[]
  primaryKey: string[]
  foreignKeys: OracleForeignKey[]
}

export interface OracleForeignKey {
  columns: string[]
  references: string
  referencedColumns: string[]
  /** a: no action, r: restrict, c: cascade, n: set null, d: set default. */
  onDelete: string
  /** Columns a SET NULL clears (all of them unless the constraint lists some). */
  setNull: string[]
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

export async function readCatalog(pool: pg.Pool): Promise<Map<string, OracleTable>> {
  const {rows: tables} = await pool.query<{oid: number; schema: string; name: string}>(`
    SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'heroku_privacy') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`)
  const {rows: columns} = await pool.query<{oid: number; name: string; type: string; generated: boolean}>(
    `
    SELECT a.attrelid::int AS oid, a.attname AS name, t.typname AS type, a.attgenerated <> '' AS generated
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`,
    [tables.map(t => t.oid)],
  )
  const {rows: constraints} = await pool.query<{
    oid: number
    type: string
    columns: string[]
    ref_oid: number | null
    ref_columns: string[] | null
    on_delete: string
    set_null: string[] | null
  }>(
    `
    SELECT con.conrelid::int AS oid, con.contype AS type,
           ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
           con.confrelid::int AS ref_oid,
           ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_columns,
           con.confdeltype AS on_delete,
           ARRAY(SELECT a.attname::text FROM unnest(con.confdelsetcols) k(num) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num) AS set_null
    FROM pg_constraint con WHERE con.contype IN ('p', 'f') AND con.conrelid = ANY($1::oid[])`,
    [tables.map(t => t.oid)],
  )
  const byOid = new Map<number, OracleTable>()
  for (const t of tables) {
    byOid.set(t.oid, {
      key: `${t.schema}.${t.name}`,
      sql: `${ident(t.schema)}.${ident(t.name)}`,
      columns: [],
      types: new Map(),
      generated: [],
      primaryKey: [],
      foreignKeys: [],
    })
  }
  for (const c of columns) {
    const table = byOid.get(c.oid)
    if (!table) continue
    table.columns.push(c.name)
    table.types.set(c.name, c.type)
    if (c.generated) table.generated.push(c.name)
  }
  for (const c of constraints) {
    const table = byOid.get(c.oid)
    if (!table) continue
    if (c.type === 'p') table.primaryKey = c.columns
    else if (c.ref_oid !== null && byOid.has(c.ref_oid)) {
      table.foreignKeys.push({
        columns: c.columns,
        references: byOid.get(c.ref_oid)!.key,
        referencedColumns: c.ref_columns ?? [],
        onDelete: c.on_delete,
        setNull: c.set_null && c.set_null.length > 0 ? c.set_null : c.columns,
      })
    }
  }
  return new Map([...byOid.values()].map(t => [t.key, t]))
}

export {ident}

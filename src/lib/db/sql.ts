/** The one way this project writes identifiers into SQL; values always go in as bound parameters. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

export interface TableName {
  schema: string
  name: string
}

/** `schema.table` as written in privacy.yml; a name without a schema is in `public`. */
export function parseTableName(qualified: string): TableName {
  const dot = qualified.indexOf('.')
  return dot === -1 ? {schema: 'public', name: qualified} : {schema: qualified.slice(0, dot), name: qualified.slice(dot + 1)}
}

export function tableKey(table: TableName): string {
  return `${table.schema}.${table.name}`
}

export function quoteTable(table: TableName | string): string {
  const t = typeof table === 'string' ? parseTableName(table) : table
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`
}

/** A string as an SQL literal, for the few statements that cannot take parameters (DDL, view and trigger bodies). */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

/**
 * How a row's primary key is written in the registry: the value as text, or
 * a JSON array for composite keys. The same expression is used when rows are
 * registered, in the views and in the triggers, so they always agree.
 */
export function primaryKeyText(table: {primaryKey: string[]}, row: string): string {
  const columns = table.primaryKey.map(c => `${row}.${quoteIdent(c)}`)
  return columns.length === 1 ? `${columns[0]}::text` : `json_build_array(${columns.join(', ')})::text`
}

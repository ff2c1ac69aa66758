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

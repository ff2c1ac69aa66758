/** The one way this project writes identifiers into SQL; values always go in as bound parameters. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

export interface TableName {
  schema: string
  name: string
}

/**
 * Names as privacy.yml writes them: a part with no dot, double quote or
 * white space stands bare (`public.users`, `public.Café`); any other is
 * double-quoted with inner quotes doubled, as SQL does
 * (`"my schema"."odd.table"`), so a key splits back into the same parts.
 */
const BARE_PART = /^[^."\s]+$/

export function formatNamePart(part: string): string {
  return BARE_PART.test(part) ? part : quoteIdent(part)
}

/** The parts of a dotted name, quoted parts unquoted; undefined when the quoting is broken. */
export function splitQualifiedName(text: string): string[] | undefined {
  const parts: string[] = []
  let i = 0
  while (i <= text.length) {
    if (text[i] === '"') {
      let part = ''
      let j = i + 1
      for (;;) {
        if (j >= text.length) return undefined
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            part += '"'
            j += 2
            continue
          }
          break
        }
        part += text[j++]
      }
      parts.push(part)
      i = j + 1
      if (i < text.length && text[i] !== '.') return undefined
    } else {
      const dot = text.indexOf('.', i)
      const end = dot === -1 ? text.length : dot
      const part = text.slice(i, end)
      if (part.length === 0 || part.includes('"')) return undefined
      parts.push(part)
      i = end
    }
    if (i >= text.length) break
    i++
    if (i === text.length) return undefined
  }
  return parts
}

/** `schema.table` as written in privacy.yml; a name without a schema is in `public`. Three bare parts or more read as before quoting: schema, then the rest. */
export function parseTableName(qualified: string): TableName {
  const parts = splitQualifiedName(qualified)
  if (!parts || parts.length === 0) {
    const dot = qualified.indexOf('.')
    return dot === -1 ? {schema: 'public', name: qualified} : {schema: qualified.slice(0, dot), name: qualified.slice(dot + 1)}
  }
  if (parts.length === 1) return {schema: 'public', name: parts[0]!}
  return {schema: parts[0]!, name: parts.slice(1).join('.')}
}

export function tableKey(table: TableName): string {
  return `${formatNamePart(table.schema)}.${formatNamePart(table.name)}`
}

/** `schema.table.column` for a table key and a column. */
export function columnRef(table: string, column: string): string {
  return `${table}.${formatNamePart(column)}`
}

/** A `schema.table.column` reference split into the table's key and the column; undefined when it names no column. */
export function parseColumnRef(ref: string): {table: string; column: string} | undefined {
  const parts = splitQualifiedName(ref)
  if (parts && parts.length === 3) return {table: tableKey({schema: parts[0]!, name: parts[1]!}), column: parts[2]!}
  if (parts && parts.length > 3) return {table: tableKey({schema: parts[0]!, name: parts.slice(1, -1).join('.')}), column: parts.at(-1)!}
  return undefined
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

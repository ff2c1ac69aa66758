import type {ColumnInfo} from '../db/introspect.js'

/**
 * Types whose text is already a JSON number, named as format_type prints
 * them, so a type of the same name in another schema never passes for one.
 */
const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint'])

/** How a cell's SQL value becomes JSON text. */
export type JsonCell =
  /** A column of the table as it is stored. */
  | {name: string; value: string; column: ColumnInfo}
  /** An expression that is jsonb already (a pseudonym, or the value it replaces). */
  | {name: string; value: string; jsonb: true}

/** A string as an SQL literal that means the same whatever standard_conforming_strings says. */
const literal = (text: string) => `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

function cellJson(cell: JsonCell): string {
  if ('jsonb' in cell) return `(${cell.value})::text`
  if (!cell.column.isArray && INTEGER_TYPES.has(cell.column.type)) return `${cell.value}::text`
  return `to_json(${cell.value})::text`
}

/** Concatenates in groups, so a wide row is not copied once per column. */
function concatenate(parts: string[]): string {
  const GROUP = 16
  if (parts.length <= GROUP) return parts.join(' || ')
  const groups: string[] = []
  for (let i = 0; i < parts.length; i += GROUP) groups.push(`(${parts.slice(i, i + GROUP).join(' || ')})`)
  return concatenate(groups)
}

/**
 * One row as the text `row_to_json` gives it, followed by a comma: the JSON
 * export's line. Built by concatenation, because composing a row value and
 * taking it apart again is most of row_to_json's cost: integers are their
 * own text, every other value goes through to_json (the function row_to_json
 * applies to each column), keys are JSON strings of the names, and NULL is
 * null. The bytes are row_to_json's, which a test checks type by type.
 */
export function jsonLineSql(cells: JsonCell[]): string {
  if (cells.length === 0) return `'{},'`
  const parts = cells.map((cell, i) => `${literal(`${i === 0 ? '{' : ','}${JSON.stringify(cell.name)}:`)} || coalesce(${cellJson(cell)}, 'null')`)
  return concatenate([...parts, `'},'`])
}

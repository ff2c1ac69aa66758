import type {ColumnInfo} from '../db/introspect.js'

/** Types COPY's CSV writes as their text, which never needs quoting (no comma, quote or line break): the column as it is. */
const NUMBERS = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'oid'])
const TIMES = new Set(['timestamptz', 'timestamp', 'date', 'time', 'timetz'])
/** What a spreadsheet would start a formula with: = + - @ tab CR, and their full-width forms. */
const FORMULA_STARTS = `ARRAY['=', '+', '-', '@', chr(9), chr(13), chr(65309), chr(65291), chr(65293), chr(65312)]`

const base64 = (value: string) => `translate(encode(${value}, 'base64'), E'\\n', '')`

/** A cell a spreadsheet would run as a formula gets a leading apostrophe, as csv-stringify's escape_formulas does. */
const escapeFormula = (text: string) => `CASE WHEN left(${text}, 1) = ANY (${FORMULA_STARTS}) THEN '''' || ${text} ELSE ${text} END`

/**
 * One CSV cell as text, encoded by Postgres the way the JSON export encodes
 * the value: numbers and true/false as they are, times in ISO 8601 (the
 * session's time zone, UTC in an export), json/jsonb and arrays as JSON,
 * binary as base64, everything else as Postgres prints it; text that could
 * start a formula is escaped.
 */
export function csvCell(column: ColumnInfo, value: string): string {
  if (column.baseType === 'bytea') {
    return column.isArray
      ? `CASE WHEN ${value} IS NULL THEN NULL ELSE to_json(ARRAY(SELECT ${base64('e')} FROM unnest(${value}) WITH ORDINALITY AS u(e, i) ORDER BY i))::text END`
      : escapeFormula(base64(value))
  }
  if (column.isArray) return `to_json(${value})::text`
  if (column.baseType === 'json' || column.baseType === 'jsonb') return escapeFormula(`(to_json(${value}) #>> '{}')`)
  // A time as JSON is a string without quotes or backslashes inside ("infinity", " BC" at most): dropping the quotes gives
  // the text that `#>> '{}'` would, without parsing the JSON again.
  if (TIMES.has(column.baseType)) return `replace(to_json(${value})::text, '"', '')`
  if (NUMBERS.has(column.baseType)) return value
  if (column.baseType === 'bool') return `${value}::text`
  return escapeFormula(`${value}::text`)
}

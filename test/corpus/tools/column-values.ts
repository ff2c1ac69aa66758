/**
 * The value of one column of one generated row, and how often a column is
 * left NULL.
 */
import {tableKeyOf} from './build.js'
import {LiveType, fitsType, plainValueOfType} from './column-types.js'
import {PERSONAL_VALUES, Value, ValueContext, personalKindFor} from './personal-values.js'
import {PLAIN_VALUES, plainKindFor} from './plain-values.js'
import {chars, randomFrom, uuid} from './random.js'
import type {CorpusLabels, CorpusSchema, CorpusTable} from './types.js'

/** The value kind of a column: its label's, or one read from its name. */
export function kindOf(labels: CorpusLabels | undefined, key: string, column: string, type: LiveType): string | undefined {
  const personal = labels?.personal[key]
  if (personal) return personal.values ?? personalKindFor(personal.category, column, ['integer', 'numeric', 'float'].includes(type.family))
  return labels?.values?.[key] ?? (type.family === 'text' ? plainKindFor(column) : undefined)
}

export function columnValue(input: {
  corpus: CorpusSchema
  labels: CorpusLabels | undefined
  table: CorpusTable
  column: string
  type: LiveType
  ctx: ValueContext
}): Value {
  const {table, column, type, ctx} = input
  const key = `${tableKeyOf(table)}.${column}`
  if (table.primaryKey.length === 1 && table.primaryKey[0] === column && !input.labels?.personal[key]) {
    // A key narrower than the table (numeric(1,0)) holds as many rows as it has values; the rest clash and are dropped.
    if (type.family === 'integer' || type.family === 'numeric')
      return ctx.row + 1 <= type.maxInteger ? ctx.row + 1 : 1 + Math.floor(ctx.random() * type.maxInteger)
    if (type.family === 'uuid') return uuid(ctx.random)
    if (type.family === 'text' && !input.labels?.values?.[key]) {
      // A short text key (char(3), varchar(10)) counts its rows in base 36, so that its keys differ however short it is.
      return type.maxLength !== null && type.maxLength < 25
        ? (ctx.row + 1).toString(36).padStart(Math.min(type.maxLength, 3), '0')
        : `c${chars(ctx.random, 'alnum', 24)}`
    }
  }
  const kind = kindOf(input.labels, key, column, type)
  const make = kind ? (PERSONAL_VALUES[kind] ?? PLAIN_VALUES[kind]) : undefined
  let value = make ? make(ctx) : plainValueOfType(type, ctx.random, ctx.today)
  // A number kept in a numeric column loses its punctuation (a CPF "123.456.789-09", a phone "+55 48 9…").
  if (typeof value === 'string' && ['integer', 'numeric'].includes(type.family) && /^[\d\s.()+\/-]+$/.test(value))
    value = value.replace(/\D/g, '').replace(/^0+(?=\d)/, '')
  if (!fitsType(value, type)) value = plainValueOfType(type, ctx.random, ctx.today)
  // Cut to the column's length here, as the server would, so that unique keys are checked on what is stored.
  if (typeof value === 'string' && type.maxLength !== null && !type.isArray) value = value.slice(0, type.maxLength)
  if (type.isArray && value !== null && !Array.isArray(value)) value = [value]
  return value
}

/**
 * How often a nullable column is NULL: decided once per column, so some
 * columns are always filled, some sparse and a few never used, as in a real
 * database. Personal columns are rarely left wholly empty.
 */
export function nullRate(
  context: {options: {seed: string | number}; labels: CorpusLabels | undefined},
  table: CorpusTable,
  column: CorpusTable['columns'][number],
  isReference: boolean,
): number {
  if (!column.nullable) return 0
  const key = `${tableKeyOf(table)}.${column.name}`
  const roll = randomFrom(context.options.seed, 'null-rate', key)()
  if (isReference) return roll < 0.5 ? 0.1 : 0.4
  if (context.labels?.personal[key]) return roll < 0.45 ? 0 : roll < 0.75 ? 0.15 : roll < 0.94 ? 0.5 : 1
  return roll < 0.35 ? 0 : roll < 0.65 ? 0.2 : roll < 0.85 ? 0.6 : 1
}

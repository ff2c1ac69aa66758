/**
 * The types of a built schema's columns as the server has them, the plain
 * value each type gets when nothing says more, and the text form a value is
 * sent in (bound as text and cast by the server).
 */
import type pg from 'pg'

import type {Value} from './personal-values.js'
import {Random, chars, int, pick, uuid} from './random.js'
import {plainPhrase, plainWord} from './plain-values.js'

export type TypeFamily =
  | 'integer'
  | 'numeric'
  | 'float'
  | 'boolean'
  | 'text'
  | 'date'
  | 'timestamp'
  | 'time'
  | 'interval'
  | 'uuid'
  | 'json'
  | 'inet'
  | 'macaddr'
  | 'bytea'
  | 'enum'
  | 'tsvector'
  | 'hstore'
  | 'point'
  | 'money'
  | 'bit'
  | 'xml'
  | 'range'
  | 'multirange'
  | 'other'

export interface LiveType {
  /** As the server prints it; used to cast the bound text. */
  sql: string
  family: TypeFamily
  isArray: boolean
  maxLength: number | null
  /** Largest absolute integer the type holds (smallint, integer, numeric(p,s)). */
  maxInteger: number
  scale: number
  enumValues: string[]
  /** Family of a range's (or multirange's) bounds. */
  rangeOf?: TypeFamily
}

const FAMILIES: Record<string, TypeFamily> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  numeric: 'numeric',
  float4: 'float',
  float8: 'float',
  bool: 'boolean',
  text: 'text',
  varchar: 'text',
  bpchar: 'text',
  citext: 'text',
  name: 'text',
  ltree: 'text',
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  time: 'time',
  timetz: 'time',
  interval: 'interval',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'json',
  inet: 'inet',
  cidr: 'inet',
  macaddr: 'macaddr',
  bytea: 'bytea',
  tsvector: 'tsvector',
  hstore: 'hstore',
  point: 'point',
  money: 'money',
  bit: 'bit',
  varbit: 'bit',
  xml: 'xml',
}

/** `schema.table` → column → its live type. */
export async function readLiveTypes(client: pg.ClientBase): Promise<Map<string, Map<string, LiveType>>> {
  // A domain is read as its base type; a range or multirange by the type of its bounds.
  const {rows} = await client.query<{
    table_key: string
    column: string
    sql: string
    base: string
    kind: string
    bound: string | null
    is_array: boolean
    typmod: number
    enum_values: string[] | null
  }>(`
    SELECT n.nspname || '.' || c.relname AS table_key, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS sql,
           b.typname AS base, b.typtype AS kind, bound.typname AS bound, t.typcategory = 'A' AS is_array,
           CASE WHEN d.typtype = 'd' THEN d.typtypmod ELSE a.atttypmod END AS typmod,
           (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = b.oid) AS enum_values
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    JOIN pg_type d ON d.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
    JOIN pg_type b ON b.oid = CASE WHEN d.typtype = 'd' THEN d.typbasetype ELSE d.oid END
    LEFT JOIN pg_range r ON r.rngtypid = b.oid OR r.rngmultitypid = b.oid LEFT JOIN pg_type bound ON bound.oid = r.rngsubtype
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`)
  const tables = new Map<string, Map<string, LiveType>>()
  for (const row of rows) {
    const family: TypeFamily = row.enum_values ? 'enum' : row.kind === 'r' ? 'range' : row.kind === 'm' ? 'multirange' : (FAMILIES[row.base] ?? 'other')
    const precision = row.base === 'numeric' && row.typmod > 4 ? ((row.typmod - 4) >> 16) & 0xffff : 0
    const scale = row.base === 'numeric' && row.typmod > 4 ? (row.typmod - 4) & 0xffff : row.base === 'numeric' ? 2 : 0
    const maxInteger = row.base === 'int2' ? 32767 : row.base === 'int4' ? 2147483647 : precision > 0 ? 10 ** (precision - scale) - 1 : Number.MAX_SAFE_INTEGER
    const maxLength = (row.base === 'varchar' || row.base === 'bpchar') && row.typmod > 4 ? row.typmod - 4 : null
    const columns = tables.get(row.table_key) ?? new Map<string, LiveType>()
    const rangeOf = row.bound ? (FAMILIES[row.bound] ?? 'other') : undefined
    columns.set(row.column, {
      sql: row.sql,
      family,
      isArray: row.is_array,
      maxLength,
      maxInteger,
      scale,
      enumValues: row.enum_values ?? [],
      ...(rangeOf ? {rangeOf} : {}),
    })
    tables.set(row.table_key, columns)
  }
  return tables
}

const iso = (date: Date) => date.toISOString()

/** A range of the bounds' type: a few days, a few numbers. */
function rangeValue(bounds: TypeFamily | undefined, random: Random, today: Date): string | null {
  const start = int(random, 0, 1000)
  const end = start + int(random, 1, 60)
  switch (bounds) {
    case 'integer':
      return `[${start},${end})`
    case 'numeric':
    case 'float':
      return `[${start / 4},${end / 4})`
    case 'date':
      return `[${iso(new Date(today.getTime() - start * 86400000)).slice(0, 10)},${iso(new Date(today.getTime() - start * 86400000 + (end - start) * 86400000)).slice(0, 10)})`
    case 'timestamp':
      return `["${iso(new Date(today.getTime() - start * 3600000))}","${iso(new Date(today.getTime() - start * 3600000 + (end - start) * 3600000))}")`
    default:
      return null
  }
}

/** A value for a column nothing else describes, from its type alone; NULL for a type nothing here knows. */
export function plainValueOfType(type: LiveType, random: Random, today: Date): Value {
  switch (type.family) {
    case 'integer':
      return int(random, 0, Math.min(type.maxInteger, random() < 0.8 ? 500 : 100000))
    case 'numeric':
      return Math.min(type.maxInteger, Math.round(random() * 100000) / 100)
    case 'float':
      return Math.round(random() * 1e6) / 1e3
    case 'boolean':
      return random() < 0.5
    case 'text':
      return type.maxLength !== null && type.maxLength <= 12 ? plainWord(random) : random() < 0.5 ? plainWord(random) : plainPhrase(random)
    case 'date':
      return iso(new Date(today.getTime() - int(random, 0, 1000) * 86400000)).slice(0, 10)
    case 'timestamp':
      return iso(new Date(today.getTime() - int(random, 0, 1000 * 86400) * 1000))
    case 'time':
      return `${String(int(random, 0, 23)).padStart(2, '0')}:${String(int(random, 0, 59)).padStart(2, '0')}:00`
    case 'interval':
      return `${int(random, 1, 90)} days`
    case 'uuid':
      return uuid(random)
    case 'json':
      return {enabled: random() < 0.5, limit: int(random, 1, 100)}
    case 'inet':
      return `10.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 1, 254)}`
    case 'macaddr':
      return `08:00:2b:${chars(random, 'hex', 2)}:${chars(random, 'hex', 2)}:${chars(random, 'hex', 2)}`
    case 'bytea':
      return `\\x${chars(random, 'hex', 32)}`
    case 'enum':
      return pick(random, type.enumValues)
    case 'tsvector':
      return `${plainWord(random)} ${plainWord(random)}`
    case 'hstore':
      return `"${plainWord(random)}"=>"${int(random, 1, 9)}"`
    case 'point':
      return `(${int(random, -90, 90)},${int(random, -180, 180)})`
    case 'money':
      return (Math.round(random() * 10000) / 100).toFixed(2)
    case 'bit':
      return '1'
    case 'xml':
      return `<item>${plainWord(random)}</item>`
    case 'range':
      return rangeValue(type.rangeOf, random, today)
    case 'multirange': {
      const range = rangeValue(type.rangeOf, random, today)
      return range === null ? null : `{${range}}`
    }
    default:
      return null
  }
}

/** Does a kind's value fit the column's type, or must the type's own plain value stand in? */
export function fitsType(value: Value, type: LiveType): boolean {
  if (value === null) return true
  if (type.isArray || type.family === 'json') return true
  if (Array.isArray(value) || typeof value === 'object') return type.family === 'text'
  switch (type.family) {
    case 'integer':
      return typeof value === 'number'
        ? Number.isInteger(value) && Math.abs(value) <= type.maxInteger
        : /^-?\d{1,15}$/.test(value as string) && Math.abs(Number(value)) <= type.maxInteger
    case 'numeric':
    case 'float':
    case 'money':
      return (typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(String(value))) && Math.abs(Number(value)) <= type.maxInteger
    case 'boolean':
      return typeof value === 'boolean'
    case 'date':
    case 'timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
    case 'uuid':
      return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
    case 'inet':
      return typeof value === 'string' && /^[0-9a-f.:]+(\/\d+)?$/i.test(value)
    case 'text':
    case 'bytea':
    case 'tsvector':
    case 'xml':
      return true
    default:
      return false
  }
}

const arrayElement = (value: Value) =>
  value === null
    ? 'NULL'
    : `"${String(typeof value === 'object' ? JSON.stringify(value) : value)
        .replace(/\\/g, '\\\\')
        .replace(/"/g, '\\"')}"`

/** The text a value is bound as, for `$n::type`. */
export function toSqlText(value: Value, type: LiveType): string | null {
  if (value === null) return null
  if (type.isArray) {
    const items = Array.isArray(value) ? value : [value]
    return `{${items.map(item => arrayElement(type.family === 'text' && typeof item === 'string' && type.maxLength ? item.slice(0, type.maxLength) : item)).join(',')}}`
  }
  if (type.family === 'json') return JSON.stringify(value)
  if (type.family === 'bytea' && typeof value === 'string' && !value.startsWith('\\x')) return `\\x${Buffer.from(value).toString('hex')}`
  if (type.family === 'tsvector') return tsvectorText(typeof value === 'object' ? JSON.stringify(value) : String(value))
  if (type.family === 'numeric' && typeof value === 'number') return value.toFixed(Math.min(type.scale, 6))
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return type.maxLength !== null ? text.slice(0, type.maxLength) : text
}

/** Text (a message, a name) as the lexemes of a search vector, each quoted, so that any words make a valid tsvector. */
export function tsvectorText(text: string): string {
  const words = text
    .split(/\s+/)
    .map(w => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase())
    .filter(Boolean)
  return words.map(w => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' ')
}

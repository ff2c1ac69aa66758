import {createHmac} from 'node:crypto'

import type {ColumnMap} from '../datamap/schema.js'
import {ColumnInfo, TableInfo, isInUniqueKey} from '../db/introspect.js'
import {hmacSha256HexSql} from '../db/hmac-sql.js'
import {quoteIdent} from '../db/sql.js'
import {PrivacyError} from '../errors.js'
import {stripJsonKeysSql} from './json-keys-sql.js'

export interface StrategyContext {
  table: TableInfo
  /** SQL for the row's primary key as text (stable, unique per row). */
  keyText: string
  /** Adds a bound parameter and returns its placeholder. */
  param: (value: unknown) => string
  /** Secret for hash and fake values, derived from the app's key. */
  hashKey: Buffer
}

const TEXT = new Set(['text', 'varchar', 'bpchar', 'citext', 'name'])
const INTEGER = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'money'])
const TIME = new Set(['date', 'timestamp', 'timestamptz', 'time', 'timetz'])

const REDACTABLE = new Set([...TEXT, ...INTEGER, ...TIME, 'json', 'jsonb', 'bool', 'inet', 'cidr', 'uuid', 'bytea'])

/** Whether `redact` has a value for the column: a constant of its type, or NULL where it may be. */
export function hasRedactionConstant(column: ColumnInfo): boolean {
  return column.isArray || REDACTABLE.has(column.baseType) || column.isNullable
}

const fit = (expression: string, column: ColumnInfo) => (column.maxLength ? `left(${expression}, ${column.maxLength})` : expression)

/** Bits of the row's key digest that fit the integer type, negated so they stay clear of the usual positive values. */
const INTEGER_BITS: Record<string, number> = {int2: 12, int4: 28, float4: 20}

function distinctNumber(column: ColumnInfo, ctx: StrategyContext): string {
  const bits = INTEGER_BITS[column.baseType] ?? 60
  return `(-(('x' || left(md5(${ctx.keyText}), ${bits / 4}))::bit(${bits})::bigint))::${column.baseType}`
}

/** A constant of the column's type; unique per row where the column must be unique, email-shaped for email columns. */
function redaction(column: ColumnInfo, ctx: StrategyContext): string {
  const name = quoteIdent(column.name)
  const unique = isInUniqueKey(ctx.table, column.name)
  if (column.isArray) return `'{}'`
  if (TEXT.has(column.baseType)) {
    if (/mail/i.test(column.name)) return fit(unique ? `'redacted+' || md5(${ctx.keyText}) || '@redacted.invalid'` : `'redacted@redacted.invalid'`, column)
    return fit(unique ? `'redacted-' || md5(${ctx.keyText})` : `'[redacted]'`, column)
  }
  if (column.baseType === 'jsonb' || column.baseType === 'json') return `'{}'`
  if (INTEGER.has(column.baseType)) return unique ? distinctNumber(column, ctx) : '0'
  if (column.baseType === 'bool') return 'false'
  if (TIME.has(column.baseType)) return `'1970-01-01'`
  // 240.0.0.0/4 is reserved and never routed: a redacted address can be no one's real one.
  if (column.baseType === 'inet' || column.baseType === 'cidr')
    return unique ? `('240.0.0.0'::inet + (('x' || left(md5(${ctx.keyText}), 7))::bit(28)::int))::${column.baseType}` : `'0.0.0.0'`
  if (column.baseType === 'uuid') return unique ? `md5(${ctx.keyText})::uuid` : `'00000000-0000-0000-0000-000000000000'`
  if (column.baseType === 'bytea') return unique ? `decode(md5(${ctx.keyText}), 'hex')` : `''::bytea`
  if (column.isNullable) return 'NULL'
  throw new PrivacyError(
    `No redaction constant for ${ctx.table.key}.${name} (${column.type}, NOT NULL); use erase: null on a nullable column, or keep with a basis.`,
    {code: 'invalid_strategy'},
  )
}

function fake(column: ColumnInfo, ctx: StrategyContext): string {
  const seed = `md5(${ctx.param(ctx.hashKey.toString('hex'))} || ${ctx.keyText})`
  const unique = isInUniqueKey(ctx.table, column.name)
  if (column.isArray) return `'{}'`
  if (TEXT.has(column.baseType)) {
    if (/mail/i.test(column.name)) return fit(`'user-' || left(${seed}, 12) || '@example.invalid'`, column)
    // 555-0100…0199 are the fictional numbers; a unique column gets an extension to tell rows apart.
    if (/phone|mobile|tel/i.test(column.name))
      return fit(`'+1 555 01' || lpad((('x' || left(${seed}, 4))::bit(16)::int % 100)::text, 2, '0')${unique ? ` || ' x' || left(${seed}, 8)` : ''}`, column)
    if (/name/i.test(column.name)) return fit(`'Person ' || upper(left(${seed}, 6))`, column)
    return fit(`'fake-' || left(${seed}, 12)`, column)
  }
  if (INTEGER.has(column.baseType)) return unique ? redaction(column, ctx) : `(('x' || left(${seed}, 6))::bit(24)::int % 1000)`
  if (TIME.has(column.baseType)) return `(date '1970-01-01' + (('x' || left(${seed}, 4))::bit(16)::int % 10000))`
  if (column.baseType === 'inet' || column.baseType === 'cidr')
    return unique ? redaction(column, ctx) : `('192.0.2.' || (('x' || left(${seed}, 2))::bit(8)::int % 255))::inet`
  if (column.baseType === 'uuid') return `${seed}::uuid`
  if (column.baseType === 'json' || column.baseType === 'jsonb') return `'{}'`
  return redaction(column, ctx)
}

/**
 * The SQL expression a column is set to when its row is anonymised, or
 * nothing when it stays as it is.
 */
export function columnAssignment(column: ColumnInfo, spec: ColumnMap, ctx: StrategyContext): string | undefined {
  const name = quoteIdent(column.name)
  if (spec.category === 'none' || !spec.erase || spec.erase === 'keep') return undefined
  if (spec.keys && spec.keys.length > 0 && (column.baseType === 'jsonb' || column.baseType === 'json') && !column.isArray) {
    const stripped = `(${stripJsonKeysSql(`${name}::jsonb`, spec.keys, ctx.param)})`
    return column.baseType === 'json' ? `${stripped}::json` : stripped
  }
  switch (spec.erase) {
    case 'null':
      return 'NULL'
    case 'redact':
      return redaction(column, ctx)
    case 'hash':
      return `CASE WHEN ${name} IS NULL THEN NULL ELSE ${hmacSha256HexSql(`convert_to(${name}::text, 'UTF8')`, ctx.hashKey, ctx.param)} END`
    case 'fake':
      return fake(column, ctx)
  }
}

/**
 * The text values redact and fake write, lower-cased, in full: a row an
 * earlier erasure changed holds one of them, and they name no one, so
 * neither the residue check nor privacy:locate takes them for the next
 * person's identifiers (the same row erased again gets the same value back). Values cut short by a
 * column's length are not recognised, and are searched for as any other.
 */
export const REPLACEMENT_TEXT_PATTERN =
  '^(\\[redacted\\]|redacted@redacted\\.invalid|redacted\\+[0-9a-f]{32}@redacted\\.invalid|redacted-[0-9a-f]{32}' +
  '|user-[0-9a-f]{12}@example\\.invalid|\\+1 555 01[0-9]{2}( x[0-9a-f]{8})?|person [0-9a-f]{6}|fake-[0-9a-f]{12})$'

/** The key for hash and fake values: derived from the app's ledger key, so fingerprints and hashes never coincide. */
export function deriveHashKey(appKey: Buffer): Buffer {
  return createHmac('sha256', appKey).update('heroku-privacy column hash').digest()
}

/**
 * The PostgreSQL column types Django creates for its field classes, as its
 * PostgreSQL backend writes them, for `from-django.ts`.
 */
import type {Call} from './django-parse.js'
import {parseCall} from './django-parse.js'

/** Character fields and their default `max_length` (undefined: no limit, as Django allows on PostgreSQL). */
const CHAR_LENGTHS: Record<string, number | undefined> = {
  CharField: undefined,
  SlugField: 50,
  EmailField: 254,
  URLField: 200,
  FileField: 100,
  ImageField: 100,
  FilePathField: 100,
  PhoneNumberField: 128,
  CountryField: 2,
}
const SIMPLE: Record<string, string> = {
  TextField: 'text',
  CITextField: 'citext',
  UUIDField: 'uuid',
  BooleanField: 'boolean',
  NullBooleanField: 'boolean',
  IntegerField: 'integer',
  BigIntegerField: 'bigint',
  SmallIntegerField: 'smallint',
  PositiveIntegerField: 'integer',
  PositiveSmallIntegerField: 'smallint',
  PositiveBigIntegerField: 'bigint',
  FloatField: 'double precision',
  DateField: 'date',
  DateTimeField: 'timestamp with time zone',
  TimeField: 'time without time zone',
  DurationField: 'interval',
  JSONField: 'jsonb',
  SanitizedJSONField: 'jsonb',
  GenericIPAddressField: 'inet',
  IPAddressField: 'inet',
  BinaryField: 'bytea',
  HStoreField: 'hstore',
  SearchVectorField: 'tsvector',
  MeasurementField: 'double precision',
  // django-bitfield keeps its flags in one bigint.
  BitField: 'bigint',
  AutoField: 'serial',
  BigAutoField: 'bigserial',
  SmallAutoField: 'smallserial',
}
const COMPOSED = new Set(['ArrayField', 'DecimalField'])

export const RELATIONS = new Set(['ForeignKey', 'OneToOneField', 'ManyToManyField', 'TreeForeignKey', 'TreeOneToOneField', 'TreeManyToManyField'])
export const isManyToMany = (kind: string) => kind === 'ManyToManyField' || kind === 'TreeManyToManyField'
export const isOneToOne = (kind: string) => kind === 'OneToOneField' || kind === 'TreeOneToOneField'
/** Fields that are Python only (money as amount and currency properties, generic relations). */
const NO_COLUMN = new Set(['MoneyField', 'TaxedMoneyField', 'GenericForeignKey', 'GenericRelation'])

export const last = (dotted: string) => dotted.slice(dotted.lastIndexOf('.') + 1)

/** `AutoField`, `BigAutoField` or the type it creates (`integer`, `bigint`) → the serial type of an automatic key. */
export function autoFieldType(option: string | undefined): string {
  const name = last(option ?? 'AutoField')
  return ({integer: 'serial', bigint: 'bigserial', smallint: 'smallserial'} as Record<string, string>)[name] ?? SIMPLE[name] ?? 'serial'
}

/** The column type a reference to a key of this type has. */
export const plainType = (type: string) => ({serial: 'integer', bigserial: 'bigint', smallserial: 'smallint'})[type] ?? type

/** How a field class is stored: a column of a known field class, a relation, nothing, or unknown. */
export function fieldKind(callee: string, fieldClasses: Map<string, string>): 'column' | 'relation' | 'none' | 'unknown' {
  const kind = fieldClasses.get(last(callee)) ?? last(callee)
  if (RELATIONS.has(kind)) return 'relation'
  if (NO_COLUMN.has(kind)) return 'none'
  return kind in SIMPLE || kind in CHAR_LENGTHS || COMPOSED.has(kind) ? 'column' : 'unknown'
}

/** A project's own field classes (`class WebhookURLField(models.URLField)`) → the Django class they store as. */
export function knownFieldBase(bases: string[]): string | undefined {
  return bases.map(last).find(b => b in SIMPLE || b in CHAR_LENGTHS || COMPOSED.has(b))
}

/**
 * The column type of a field that is not a relation; `integer` reads an option that may name a constant
 * (`max_length=MAX_NAME_LENGTH`).
 */
export function columnType(call: Call, fieldClasses: Map<string, string>, integer: (text: string | undefined) => string | undefined): string {
  const kind = fieldClasses.get(last(call.callee)) ?? last(call.callee)
  if (kind === 'ArrayField') return `${columnType(parseCall(call.kwargs.base_field ?? call.args[0] ?? '')!, fieldClasses, integer)}[]`
  if (kind === 'DecimalField') return `numeric(${integer(call.kwargs.max_digits) ?? 10},${integer(call.kwargs.decimal_places) ?? 0})`
  if (kind in CHAR_LENGTHS) {
    const length = integer(call.kwargs.max_length) ?? (kind === 'CountryField' && call.kwargs.multiple === 'True' ? undefined : CHAR_LENGTHS[kind])
    return length === undefined ? 'character varying' : `character varying(${length})`
  }
  const simple = SIMPLE[kind]
  if (!simple) throw new Error(`unknown field class ${call.callee}`)
  return simple
}

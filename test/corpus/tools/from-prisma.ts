/**
 * Turns a Prisma schema (PostgreSQL provider) into DDL the way Prisma Migrate
 * writes it: a table per model (`@@map`), quoted names as written, enums as
 * enum types (with `@map`ped values), `String` as text, `DateTime` as
 * timestamp(3), `Json` as jsonb, `@db.*` native types, scalar lists as
 * arrays, unique *indexes* for `@unique`/`@@unique` (Prisma never makes
 * unique constraints), foreign keys from `@relation(fields, references)`,
 * and a `_AToB` join table for each implicit many-to-many relation. Views
 * are left out.
 *
 *   tsx test/corpus/tools/from-prisma.ts --out schema.sql schema.prisma
 */
import {readFile, writeFile} from 'node:fs/promises'
import {parseArgs} from 'node:util'

import {quoteIdent} from '../../../src/lib/db/sql.js'

interface Field {
  name: string
  column: string
  type: string
  optional: boolean
  list: boolean
  attributes: string
}
interface Model {
  name: string
  table: string
  schema: string
  fields: Field[]
  blockAttributes: string[]
}
interface Enum {
  name: string
  dbName: string
  schema: string
  members: string[]
  values: string[]
}

const SCALARS: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
}

const NATIVE: Record<string, (args: string) => string> = {
  Text: () => 'text',
  VarChar: a => (a ? `character varying(${a})` : 'character varying'),
  Char: a => `character(${a || 1})`,
  Uuid: () => 'uuid',
  Citext: () => 'citext',
  Inet: () => 'inet',
  Xml: () => 'xml',
  SmallInt: () => 'smallint',
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  Oid: () => 'oid',
  Real: () => 'real',
  DoublePrecision: () => 'double precision',
  Decimal: a => (a ? `numeric(${a})` : 'numeric'),
  Money: () => 'money',
  Timestamp: a => `timestamp(${a || 3}) without time zone`,
  Timestamptz: a => `timestamp(${a || 3}) with time zone`,
  Date: () => 'date',
  Time: a => `time(${a || 3}) without time zone`,
  Timetz: a => `time(${a || 3}) with time zone`,
  Json: () => 'json',
  JsonB: () => 'jsonb',
  ByteA: () => 'bytea',
  Bit: a => `bit(${a || 1})`,
  VarBit: () => 'bit varying',
  Boolean: () => 'boolean',
}

/** Text of the first `@name(…)` attribute, with balanced parentheses, or undefined. */
export function attribute(text: string, name: string): string | undefined {
  const start = text.search(new RegExp(`@${name.replace('.', '\\.')}(\\(|\\s|$)`))
  if (start < 0) return undefined
  const open = text.indexOf('(', start)
  if (open < 0 || open > start + name.length + 1) return ''
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i)
    else if (text[i] === '"') i = text.indexOf('"', i + 1)
  }
  return text.slice(open + 1)
}

const listOf = (text: string | undefined, key: string) => {
  const match = new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`).exec(text ?? '')
  return match
    ? match[1]!
        .split(',')
        .map(s => s.trim().replace(/\(.*\)$/, ''))
        .filter(Boolean)
    : undefined
}
/** The fields of `[a, b]` or `fields: [a, b], name: "x"`. */
const fieldsOf = (inner: string | undefined) => (inner === undefined ? [] : (listOf(inner, 'fields') ?? listOf(`fields: ${inner.trim()}`, 'fields') ?? []))
const stringArg = (text: string | undefined) => /^\s*(?:name:\s*|map:\s*)?"([^"]*)"/.exec(text ?? '')?.[1]
const namedArg = (text: string | undefined, key: string) => new RegExp(`${key}:\\s*"([^"]*)"`).exec(text ?? '')?.[1]

function parse(source: string): {models: Model[]; enums: Enum[]} {
  const models: Model[] = []
  const enums: Enum[] = []
  const text = source.replace(/\/\/.*$/gm, '')
  for (const block of text.matchAll(/^(model|enum|view|type)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, kind, name, body] = block
    const lines = body!
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean)
    const blockAttributes = lines.filter(l => l.startsWith('@@'))
    const schema = stringArg(attribute(blockAttributes.join(' '), '@schema')) ?? 'public'
    if (kind === 'enum') {
      const memberLines = lines.filter(l => !l.startsWith('@@'))
      const members = memberLines.map(l => l.split(/\s+/)[0]!)
      const values = memberLines.map((l, i) => stringArg(attribute(l, 'map')) ?? members[i]!)
      enums.push({name: name!, dbName: stringArg(attribute(blockAttributes.join(' '), '@map')) ?? name!, schema, members, values})
    } else if (kind === 'model') {
      const fields = lines
        .filter(l => !l.startsWith('@@'))
        .map(line => {
          const match = /^(\w+)\s+(\w+(?:\([^)]*\))?)(\[\])?(\?)?\s*(.*)$/.exec(line)
          if (!match) throw new Error(`${name}: cannot read field "${line}"`)
          const [, fieldName, type, list, optional, attributes] = match
          return {
            name: fieldName!,
            column: stringArg(attribute(attributes!, 'map')) ?? fieldName!,
            type: type!,
            list: list !== undefined,
            optional: optional !== undefined,
            attributes: attributes!,
          }
        })
      models.push({name: name!, table: stringArg(attribute(blockAttributes.join(' '), '@map')) ?? name!, schema, fields, blockAttributes})
    }
  }
  return {models, enums}
}

const qualified = (schema: string, name: string) => (schema === 'public' ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`)
const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`

/** DDL for a whole Prisma schema. */
export function prismaToSql(source: string): string {
  const {models, enums} = parse(source)
  const modelByName = new Map(models.map(m => [m.name, m]))
  const enumByName = new Map(enums.map(e => [e.name, e]))
  const out: string[] = []
  const after: string[] = []
  for (const schema of new Set([...models, ...enums].map(x => x.schema)))
    if (schema !== 'public') out.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)};`)
  for (const e of enums) out.push(`CREATE TYPE ${qualified(e.schema, e.dbName)} AS ENUM (${e.values.map(sqlString).join(', ')});`)
  const columnOf = (model: Model, field: string) => model.fields.find(f => f.name === field)?.column ?? field

  for (const model of models) {
    const table = qualified(model.schema, model.table)
    const columns: string[] = []
    for (const field of model.fields) {
      if (modelByName.has(field.type)) {
        const relation = attribute(field.attributes, 'relation')
        const from = listOf(relation, 'fields')
        if (!from) continue
        const target = modelByName.get(field.type)!
        const to = listOf(relation, 'references')!
        const onDelete = /onDelete:\s*(\w+)/.exec(relation ?? '')?.[1] ?? (field.optional ? 'SetNull' : 'Restrict')
        const action = {Cascade: 'CASCADE', SetNull: 'SET NULL', Restrict: 'RESTRICT', NoAction: 'NO ACTION', SetDefault: 'SET DEFAULT'}[onDelete] ?? 'RESTRICT'
        after.push(
          `ALTER TABLE ${table} ADD FOREIGN KEY (${from.map(f => quoteIdent(columnOf(model, f))).join(', ')}) REFERENCES ${qualified(target.schema, target.table)} (${to.map(f => quoteIdent(columnOf(target, f))).join(', ')}) ON DELETE ${action} ON UPDATE CASCADE;`,
        )
        continue
      }
      columns.push(columnSql(field, enumByName))
    }
    const id = model.fields.filter(f => /@id\b/.test(f.attributes)).map(f => f.column)
    const primaryKey = id.length > 0 ? id : fieldsOf(attribute(model.blockAttributes.join(' '), '@id')).map(f => columnOf(model, f))
    if (primaryKey.length > 0) columns.push(`PRIMARY KEY (${primaryKey.map(quoteIdent).join(', ')})`)
    out.push(`CREATE TABLE ${table} (\n  ${columns.join(',\n  ')}\n);`)
    for (const field of model.fields)
      if (/@unique\b/.test(field.attributes) && !modelByName.has(field.type)) out.push(`CREATE UNIQUE INDEX ON ${table} (${quoteIdent(field.column)});`)
    for (const line of model.blockAttributes.filter(l => l.startsWith('@@unique'))) {
      const fields = fieldsOf(attribute(line, '@unique'))
      out.push(`CREATE UNIQUE INDEX ON ${table} (${fields.map(f => quoteIdent(columnOf(model, f))).join(', ')});`)
    }
  }
  out.push(...joinTables(models, modelByName))
  return `${[...out, ...after].join('\n')}\n`
}

function columnSql(field: Field, enums: Map<string, Enum>): string {
  const native = /@db\.(\w+)(?:\(([^)]*)\))?/.exec(field.attributes)
  const unsupported = /^Unsupported\("(.+)"\)$/.exec(field.type)?.[1]
  const enumType = enums.get(field.type)
  const base =
    unsupported ??
    (native ? NATIVE[native[1]!]?.(native[2] ?? '') : undefined) ??
    (enumType ? qualified(enumType.schema, enumType.dbName) : SCALARS[field.type])
  if (!base) throw new Error(`unknown type ${field.type}`)
  const serial = /@default\(\s*autoincrement\(\)\s*\)/.test(field.attributes)
  const type = serial ? (base === 'bigint' ? 'bigserial' : base === 'smallint' ? 'smallserial' : 'serial') : field.list ? `${base}[]` : base
  const parts = [quoteIdent(field.column), type]
  const value = defaultSql(attribute(field.attributes, 'default'), field, enumType)
  if (value) parts.push(`DEFAULT ${value}`)
  if (!field.optional && !field.list) parts.push('NOT NULL')
  return parts.join(' ')
}

/** SQL default of a `@default(…)`; values Prisma generates in the client (cuid, uuid, nanoid) have none in the database. */
function defaultSql(value: string | undefined, field: Field, enumType: Enum | undefined): string | undefined {
  if (value === undefined) return undefined
  const v = value.trim()
  if (v === 'autoincrement()') return undefined
  if (v === 'now()') return 'CURRENT_TIMESTAMP'
  if (/^(cuid|uuid|nanoid|ulid)\(/.test(v)) return undefined
  const generated = /^dbgenerated\("(.*)"\)$/.exec(v)?.[1]
  if (generated !== undefined) return generated.replace(/\\"/g, '"')
  if (v.startsWith('"')) return sqlString(JSON.parse(v) as string)
  if (v.startsWith('[')) return sqlString(`{${v.slice(1, -1)}}`)
  // An enum member may @map to another label; the database stores the label.
  if (enumType) return sqlString(enumType.values[enumType.members.indexOf(v)] ?? v)
  return field.type === 'Json' ? sqlString(v) : v
}

/** `_AToB` (or `_RelationName`) with columns A and B for each many-to-many relation without an explicit model. */
function joinTables(models: Model[], modelByName: Map<string, Model>): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const model of models) {
    for (const field of model.fields.filter(f => f.list && modelByName.has(f.type) && !listOf(attribute(f.attributes, 'relation'), 'fields'))) {
      const other = modelByName.get(field.type)!
      const relationName = stringArg(attribute(field.attributes, 'relation')) ?? namedArg(attribute(field.attributes, 'relation'), 'name')
      const back = other.fields.find(
        f =>
          f.type === model.name &&
          f.list &&
          (stringArg(attribute(f.attributes, 'relation')) ?? namedArg(attribute(f.attributes, 'relation'), 'name')) === relationName &&
          (other !== model || f !== field),
      )
      if (!back) continue
      const [a, b] = [model, other].sort((x, y) => x.name.localeCompare(y.name))
      const name = `_${relationName ?? `${a!.name}To${b!.name}`}`
      if (seen.has(name)) continue
      seen.add(name)
      const idOf = (m: Model) => m.fields.find(f => /@id\b/.test(f.attributes))!
      const typeOf = (m: Model) =>
        columnSql({...idOf(m), optional: false, attributes: idOf(m).attributes.replace(/@default\((?:[^()]|\([^()]*\))*\)/, '')}, new Map())
          .replace(/^"[^"]+" /, '')
          .replace(/ NOT NULL$/, '')
      out.push(
        `CREATE TABLE ${quoteIdent(name)} (\n  "A" ${typeOf(a!)} NOT NULL,\n  "B" ${typeOf(b!)} NOT NULL\n);`,
        `CREATE UNIQUE INDEX ON ${quoteIdent(name)} ("A", "B");`,
        `ALTER TABLE ${quoteIdent(name)} ADD FOREIGN KEY ("A") REFERENCES ${qualified(a!.schema, a!.table)} (${quoteIdent(idOf(a!).column)}) ON DELETE CASCADE ON UPDATE CASCADE;`,
        `ALTER TABLE ${quoteIdent(name)} ADD FOREIGN KEY ("B") REFERENCES ${qualified(b!.schema, b!.table)} (${quoteIdent(idOf(b!).column)}) ON DELETE CASCADE ON UPDATE CASCADE;`,
      )
    }
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const {values: args, positionals} = parseArgs({allowPositionals: true, options: {out: {type: 'string'}}})
  if (!args.out || positionals.length !== 1) throw new Error('usage: from-prisma.ts --out FILE schema.prisma')
  await writeFile(args.out, prismaToSql(await readFile(positionals[0]!, 'utf8')))
}

/**
 * Turns a Rails `db/schema.rb` into PostgreSQL DDL, the way Active Record's
 * PostgreSQL adapter would create it: bigint `id` primary keys with a
 * sequence unless told otherwise, `string` as varchar, `datetime` as
 * timestamp(6) (or without precision when `precision: nil`), unique indexes
 * (plain, on expressions, partial) and foreign keys as declared. Views,
 * functions and triggers are left out: the corpus keeps tables only. A
 * pgvector column becomes `real[]`, so that the schema loads on any server.
 *
 *   tsx test/corpus/tools/from-schema-rb.ts --out schema.sql db/schema.rb
 */
import {readFile, writeFile} from 'node:fs/promises'
import {parseArgs} from 'node:util'

import {quoteIdent} from '../../../src/lib/db/sql.js'

interface Options {
  [key: string]: string
}

/** `name: "x", null: false, default: -> { "now()" }` → key → raw Ruby value. */
export function parseOptions(text: string): Options {
  const options: Options = {}
  let i = 0
  while (i < text.length) {
    const key = /^\s*,?\s*([a-z_]+):\s*/.exec(text.slice(i))
    if (!key) break
    i += key[0].length
    const start = i
    let depth = 0
    let quote: string | null = null
    for (; i < text.length; i++) {
      const c = text[i]!
      if (quote) {
        if (c === '\\') i++
        else if (c === quote) quote = null
      } else if (c === '"' || c === "'") quote = c
      else if (c === '[' || c === '{' || c === '(') depth++
      else if (c === ']' || c === '}' || c === ')') depth--
      else if (c === ',' && depth === 0) break
    }
    options[key[1]!] = text.slice(start, i).trim()
  }
  return options
}

/** A Ruby string literal's value. */
export const rubyString = (literal: string) => JSON.parse(literal.startsWith('"') ? literal : `"${literal.slice(1, -1).replace(/"/g, '\\"')}"`) as string
const rubyStrings = (list: string) => [...list.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(m => JSON.parse(`"${m[1]}"`) as string)

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`

export function singular(table: string): string {
  if (/ies$/.test(table)) return table.replace(/ies$/, 'y')
  if (/(ss|us|as|x|ch|sh)es$/.test(table)) return table.replace(/es$/, '')
  return table.replace(/s$/, '')
}

function columnType(type: string, options: Options): string {
  const limit = options.limit ? Number(options.limit) : undefined
  const precision = options.precision
  const base = (() => {
    switch (type) {
      case 'string':
        return limit ? `character varying(${limit})` : 'character varying'
      case 'text':
        return 'text'
      case 'integer':
        return limit === 2 ? 'smallint' : limit === 8 ? 'bigint' : 'integer'
      case 'bigint':
        return 'bigint'
      case 'float':
        return 'double precision'
      case 'decimal':
        return precision ? `numeric(${precision}${options.scale ? `,${options.scale}` : ''})` : 'numeric'
      case 'datetime':
      case 'timestamp':
        return precision === 'nil' ? 'timestamp without time zone' : `timestamp(${precision ?? 6}) without time zone`
      case 'timestamptz':
        return precision === 'nil' ? 'timestamp with time zone' : `timestamp(${precision ?? 6}) with time zone`
      case 'time':
        return 'time without time zone'
      case 'binary':
        return 'bytea'
      case 'boolean':
      case 'date':
      case 'json':
      case 'jsonb':
      case 'inet':
      case 'cidr':
      case 'uuid':
      case 'citext':
      case 'hstore':
      case 'tsvector':
      case 'interval':
      case 'macaddr':
      case 'point':
      case 'money':
      case 'xml':
      case 'ltree':
        return type
      case 'serial':
        return 'integer'
      case 'bigserial':
        return 'bigint'
      case 'enum':
        return quoteIdent(rubyString(options.enum_type!))
      // pgvector is not on every server; its vectors are arrays of floats.
      case 'vector':
        return 'real[]'
      default:
        throw new Error(`unknown column type ${type}`)
    }
  })()
  return options.array === 'true' ? `${base}[]` : base
}

/** Functions a default may call that every PostgreSQL has; a default calling the app's own function is left out. */
const BUILT_IN =
  /^(nextval|now|gen_random_uuid|uuid_generate_v4|current_timestamp|clock_timestamp|statement_timestamp|transaction_timestamp|timezone|lower|random|current_date|localtimestamp)$/i

function defaultSql(value: string, type: string): string | undefined {
  if (value === 'nil') return undefined
  const lambda = /^->\s*\{\s*("(?:[^"\\]|\\.)*")\s*\}$/.exec(value)
  if (lambda) {
    const expression = rubyString(lambda[1]!)
    return [...expression.matchAll(/([A-Za-z_]+)\s*\(/g)].every(m => BUILT_IN.test(m[1]!)) ? expression : undefined
  }
  const json = /^jsonb?$/.test(type)
  if (value === '[]') return json ? "'[]'" : "'{}'"
  if (value === '{}') return "'{}'"
  if (value.startsWith('[')) return sqlString(json ? JSON.stringify(rubyStrings(value)) : `{${rubyStrings(value).join(',')}}`)
  if (value.startsWith('{')) return sqlString(value.replace(/=>/g, ':').replace(/(\w+):\s/g, '"$1": '))
  if (value.startsWith('"') || value.startsWith("'")) return `${sqlString(rubyString(value))}::${type.replace(/\[\]$/, '')}`
  return value
}

interface Table {
  name: string
  columns: string[]
  primaryKey: string[]
  indexes: string[]
}

/** DDL for a whole schema.rb. */
export function schemaRbToSql(source: string): string {
  const lines = source.split('\n')
  const out: string[] = []
  const after: string[] = []
  const tables = new Set<string>()
  let table: Table | undefined
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim()
    if (/<<-?~?SQL\s*$/.test(line)) {
      while (n < lines.length && lines[n]!.trim() !== 'SQL') n++
      continue
    }
    let m: RegExpExecArray | null
    if ((m = /^enable_extension "([^"]+)"/.exec(line))) {
      const name = m[1]!.replace(/^.*\./, '')
      if (name !== 'plpgsql' && name !== 'vector') out.push(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(name)};`)
    } else if ((m = /^create_enum "([^"]+)", (\[.*\])/.exec(line))) {
      out.push(`CREATE TYPE ${quoteIdent(m[1]!)} AS ENUM (${rubyStrings(m[2]!).map(sqlString).join(', ')});`)
    } else if ((m = /^create_table "([^"]+)"(.*) do \|t\|$/.exec(line))) {
      table = startTable(m[1]!, parseOptions(m[2]!))
      tables.add(table.name)
    } else if (table && line === 'end') {
      const pk = table.primaryKey.length > 0 ? [`PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(', ')})`] : []
      for (const sequence of table.columns.flatMap(c => [...c.matchAll(/nextval\('([^']+)'/g)].map(s => s[1]!)))
        out.push(`CREATE SEQUENCE IF NOT EXISTS ${quoteIdent(sequence)};`)
      out.push(`CREATE TABLE ${quoteIdent(table.name)} (\n  ${[...table.columns, ...pk].join(',\n  ')}\n);`, ...table.indexes)
      table = undefined
    } else if (table && (m = /^t\.index (\[[^\]]*\]|"(?:[^"\\]|\\.)*")(.*)$/.exec(line))) {
      const index = indexSql(table.name, m[1]!, parseOptions(m[2]!))
      if (index) table.indexes.push(index)
    } else if (table && (m = /^t\.([a-z_]+) "([^"]+)"(.*)$/.exec(line))) {
      table.columns.push(columnSql(m[1]!, m[2]!, parseOptions(m[3]!)))
    } else if ((m = /^add_foreign_key "([^"]+)", "([^"]+)"(.*)$/.exec(line))) {
      const options = parseOptions(m[3]!)
      const column = options.column ? rubyStrings(options.column) : [`${singular(m[2]!)}_id`]
      const primaryKey = options.primary_key ? rubyStrings(options.primary_key) : ['id']
      const onDelete = {':cascade': ' ON DELETE CASCADE', ':nullify': ' ON DELETE SET NULL', ':restrict': ' ON DELETE RESTRICT'}[options.on_delete ?? ''] ?? ''
      after.push(
        `ALTER TABLE ${quoteIdent(m[1]!)} ADD FOREIGN KEY (${column.map(quoteIdent).join(', ')}) REFERENCES ${quoteIdent(m[2]!)} (${primaryKey.map(quoteIdent).join(', ')})${onDelete};`,
      )
    } else if ((m = /^add_index "([^"]+)", (\[[^\]]*\]|"(?:[^"\\]|\\.)*")(.*)$/.exec(line)) && tables.has(m[1]!)) {
      const index = indexSql(m[1]!, m[2]!, parseOptions(m[3]!))
      if (index) after.push(index)
    }
  }
  return `${[...out, ...after].join('\n')}\n`
}

function startTable(name: string, options: Options): Table {
  const table: Table = {name, columns: [], primaryKey: [], indexes: []}
  if (options.id === 'false') {
    if (options.primary_key?.startsWith('[')) table.primaryKey = rubyStrings(options.primary_key)
    return table
  }
  if (options.primary_key?.startsWith('[')) {
    table.primaryKey = rubyStrings(options.primary_key)
    return table
  }
  const key = options.primary_key ? rubyString(options.primary_key) : 'id'
  const idType = options.id?.replace(/^:/, '') ?? 'bigint'
  const type = idType === 'uuid' ? 'uuid' : idType === 'serial' || idType === 'integer' ? 'integer' : idType === 'string' ? 'character varying' : 'bigint'
  const fallback = type === 'uuid' || type === 'character varying' ? undefined : `nextval(${sqlString(`${name}_${key}_seq`)}::regclass)`
  const value = options.default ? defaultSql(options.default, type) : fallback
  table.columns.push(`${quoteIdent(key)} ${type} NOT NULL${value ? ` DEFAULT ${value}` : ''}`)
  table.primaryKey = [key]
  return table
}

function columnSql(kind: string, name: string, options: Options): string {
  if (kind === 'virtual') {
    const type = columnType(options.type!.replace(/^:/, ''), options)
    return `${quoteIdent(name)} ${type} GENERATED ALWAYS AS (${rubyString(options.as!)}) STORED`
  }
  const type = columnType(kind, options)
  const value = options.default !== undefined ? defaultSql(options.default, type) : undefined
  return `${quoteIdent(name)} ${type}${value !== undefined ? ` DEFAULT ${value}` : ''}${options.null === 'false' ? ' NOT NULL' : ''}`
}

/** Unique B-tree indexes only: the corpus keeps no others. */
function indexSql(table: string, keys: string, options: Options): string | undefined {
  if (options.unique !== 'true' || (options.using && options.using !== ':btree')) return undefined
  const parts = keys.startsWith('[') ? rubyStrings(keys).map(quoteIdent) : [rubyString(keys).replace(/\s+(text|varchar|bpchar)_pattern_ops\b/g, '')]
  const where = options.where ? ` WHERE ${rubyString(options.where)}` : ''
  return `CREATE UNIQUE INDEX ON ${quoteIdent(table)} (${parts.join(', ')})${where};`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const {values: args, positionals} = parseArgs({allowPositionals: true, options: {out: {type: 'string'}}})
  if (!args.out || positionals.length !== 1) throw new Error('usage: from-schema-rb.ts --out FILE db/schema.rb')
  await writeFile(args.out, schemaRbToSql(await readFile(positionals[0]!, 'utf8')))
}

/**
 * Replays an application's Rails migrations (`db/migrate/*.rb`, in name order)
 * on a schema model and writes the result as PostgreSQL DDL, for applications
 * that publish no schema.rb. Only the `up`/`change` part of each migration is
 * read, and only its schema statements (create/drop/rename table, add/remove/
 * rename/change column, indexes, references, timestamps, foreign keys); Ruby
 * code that moves data is ignored. Types are those the PostgreSQL adapter
 * creates for the migration's Rails version (bigint keys from 5.1 on).
 *
 *   tsx test/corpus/tools/from-rails-migrations.ts --out schema.sql db/migrate/*.rb
 */
import {readFile, writeFile} from 'node:fs/promises'
import {parseArgs} from 'node:util'

import {RailsSchema, type RailsColumn} from './rails-migration-model.js'
import {nameOf, parseRubyArgs, type RubyArgs, type RubyValue} from './ruby-args.js'

const {values: args, positionals: files} = parseArgs({allowPositionals: true, options: {out: {type: 'string'}}})
if (!args.out || files.length === 0) throw new Error('usage: from-rails-migrations.ts --out FILE MIGRATION.rb...')

const COLUMN_TYPES = new Set([
  'string',
  'text',
  'integer',
  'bigint',
  'float',
  'decimal',
  'numeric',
  'datetime',
  'timestamp',
  'time',
  'date',
  'binary',
  'boolean',
  'json',
  'jsonb',
  'uuid',
  'inet',
  'citext',
])

const schema = new RailsSchema()
for (const file of [...files].sort((a, b) => basename(a).localeCompare(basename(b), 'en', {numeric: true}))) {
  const source = await readFile(file, 'utf8')
  const version = Number(/Migration\[(\d+\.\d+)\]/.exec(source)?.[1] ?? '4.2')
  replay(upPart(source), version)
}
await writeFile(args.out, schema.toSql())
process.stderr.write(`${args.out}: ${files.length} migrations, ${schema.tables.size} tables\n`)

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** The body of `up` or `change`, without `down`; comment lines dropped. */
function upPart(source: string): string {
  const start = /^\s*def\s+(self\.)?(up|change)\b.*$/m.exec(source)
  if (!start) return ''
  const body = source.slice(start.index + start[0].length)
  const down = /^\s*def\s+(self\.)?down\b/m.exec(body)
  return (down ? body.slice(0, down.index) : body).replace(/^\s*#.*$/gm, '')
}

/** Statements, with calls that span lines (open brackets, trailing commas) joined. */
function statements(body: string): string[] {
  const out: string[] = []
  let current = ''
  for (const line of body.split('\n')) {
    current = current ? `${current} ${line.trim()}` : line.trim()
    const open = (current.match(/[([{]/g) ?? []).length - (current.match(/[)\]}]/g) ?? []).length
    if (open > 0 || /,\s*$/.test(current)) continue
    if (current) out.push(current)
    current = ''
  }
  if (current) out.push(current)
  return out
}

function replay(body: string, version: number): void {
  let block: {table: string; variable: string} | null = null
  let depth = 0
  for (const statement of statements(body)) {
    const opensBlock = /\bdo(\s*\|[^|]*\|)?\s*$/.test(statement) || /^(if|unless|begin|case|while|until|def|class)\b/.test(statement)
    const tableBlock = /^(create_table|change_table)\s*\(?\s*(.*?)\s*\)?\s*do\s*\|\s*(\w+)\s*\|\s*$/.exec(statement)
    if (tableBlock) {
      const call = parseRubyArgs(tableBlock[2] ?? '')
      const table = nameOf(call.positional[0])
      if (table && tableBlock[1] === 'create_table') createTable(table, call, version)
      if (table) block = {table, variable: tableBlock[3] ?? 't'}
      depth++
      continue
    }
    if (statement === 'end') {
      depth--
      if (block && depth === 0) block = null
      continue
    }
    if (block && statement.startsWith(`${block.variable}.`)) {
      tableStatement(block.table, statement.slice(block.variable.length + 1), version)
    } else {
      topStatement(statement, version)
    }
    if (opensBlock) depth++
  }
}

function createTable(name: string, call: RubyArgs, version: number): void {
  const id = call.options.id
  const primaryKey = nameOf(call.options.primary_key) ?? 'id'
  const keyType = nameOf(id as RubyValue) === 'uuid' ? 'uuid' : version >= 5.1 ? 'bigserial' : 'serial'
  schema.createTable(name, id === false ? null : {name: primaryKey, type: keyType, nullable: false})
}

function tableStatement(table: string, statement: string, version: number): void {
  const call = /^(\w+)\s*(.*)$/.exec(statement)
  if (!call) return
  const [, method = '', rest = ''] = call
  const parsed = parseRubyArgs(rest)
  if (method === 'column') {
    const name = nameOf(parsed.positional[0])
    if (name) schema.addColumn(table, column(name, nameOf(parsed.positional[1]) ?? 'string', parsed.options, version))
  } else if (COLUMN_TYPES.has(method)) {
    for (const value of parsed.positional) {
      const name = nameOf(value)
      if (name) schema.addColumn(table, column(name, method, parsed.options, version))
    }
  } else if (method === 'references' || method === 'belongs_to') {
    for (const value of parsed.positional) addReference(table, nameOf(value), parsed.options, version)
  } else if (method === 'timestamps') {
    addTimestamps(table, parsed.options, version)
  } else if (method === 'index') {
    addIndex(table, parsed)
  } else if (method === 'rename') {
    const [from, to] = parsed.positional.map(nameOf)
    if (from && to) schema.renameColumn(table, from, to)
  } else if (method === 'remove') {
    for (const value of parsed.positional) {
      const name = nameOf(value)
      if (name) schema.removeColumn(table, name)
    }
  }
}

function topStatement(statement: string, version: number): void {
  const call = /^(\w+)\s*(.*)$/.exec(statement)
  if (!call) return
  const [, method = '', rest = ''] = call
  const parsed = parseRubyArgs(rest.replace(/\s+(if|unless)\s+.*$/, ''))
  const [table, second, third] = parsed.positional.map(nameOf)
  if (!table) return
  switch (method) {
    case 'create_table':
      return createTable(table, parsed, version)
    case 'drop_table':
      return schema.dropTable(table)
    case 'rename_table':
      return second ? schema.renameTable(table, second) : undefined
    case 'add_column':
      return second ? schema.addColumn(table, column(second, third ?? 'string', parsed.options, version)) : undefined
    case 'remove_column':
    case 'remove_columns':
      for (const value of parsed.positional.slice(1)) {
        const name = nameOf(value)
        if (name) schema.removeColumn(table, name)
      }
      return
    case 'rename_column':
      return second && third ? schema.renameColumn(table, second, third) : undefined
    case 'change_column': {
      if (!second) return
      const changed = column(second, third ?? 'string', parsed.options, version)
      return schema.changeColumn(table, second, {
        type: changed.type,
        ...('null' in parsed.options ? {nullable: changed.nullable} : {}),
        ...('default' in parsed.options ? {default: changed.default} : {}),
      })
    }
    case 'change_column_null':
      return second ? schema.changeColumn(table, second, {nullable: parsed.positional[2] !== false}) : undefined
    case 'change_column_default': {
      if (!second) return
      const value = 'to' in parsed.options ? parsed.options.to : parsed.positional[2]
      return schema.changeColumn(table, second, {default: literal(value ?? null)})
    }
    case 'add_index':
      return addIndex(table, {positional: parsed.positional.slice(1), options: parsed.options})
    case 'remove_index': {
      const columns = parsed.options.column ?? parsed.positional[1]
      return schema.removeIndex(table, {name: nameOf(parsed.options.name), columns: columnList(columns)})
    }
    case 'add_reference':
    case 'add_belongs_to':
      return addReference(table, second, parsed.options, version)
    case 'add_timestamps':
      return addTimestamps(table, parsed.options, version)
    case 'add_foreign_key': {
      if (!second) return
      const fkColumn = nameOf(parsed.options.column) ?? `${second.replace(/s$/, '')}_id`
      return schema.addForeignKey(table, second, fkColumn, nameOf(parsed.options.primary_key) ?? 'id')
    }
    default:
  }
}

function addReference(table: string, name: string | undefined, options: Record<string, RubyValue>, version: number): void {
  if (!name) return
  const type = nameOf(options.type) ?? (version >= 5.1 ? 'bigint' : 'integer')
  schema.addColumn(table, column(`${name}_id`, type, options, version))
  if (options.polymorphic === true) schema.addColumn(table, column(`${name}_type`, 'string', {null: options.null ?? true}, version))
  if ((options.index ?? version >= 5) !== false) {
    const unique = typeof options.index === 'object' && options.index !== null && /unique:\s*true/.test(JSON.stringify(options.index))
    schema.addIndex(table, options.polymorphic === true ? [`${name}_type`, `${name}_id`] : [`${name}_id`], unique)
  }
  if (options.foreign_key === true) schema.addForeignKey(table, `${name}s`, `${name}_id`)
}

function addTimestamps(table: string, options: Record<string, RubyValue>, version: number): void {
  const nullable = 'null' in options ? options.null !== false : version < 5
  for (const name of ['created_at', 'updated_at']) schema.addColumn(table, column(name, 'datetime', {null: nullable}, version))
}

function addIndex(table: string, call: RubyArgs): void {
  const columns = columnList(call.positional[0])
  if (columns.length === 0) return
  schema.addIndex(
    table,
    columns,
    call.options.unique === true,
    nameOf(call.options.name),
    typeof call.options.where === 'string' ? call.options.where : undefined,
  )
}

function columnList(value: RubyValue | undefined): string[] {
  if (Array.isArray(value)) return value.map(nameOf).filter((n): n is string => n !== undefined)
  const name = nameOf(value)
  return name ? [name] : []
}

function column(name: string, railsType: string, options: Record<string, RubyValue>, version: number): RailsColumn {
  const limit = typeof options.limit === 'number' ? options.limit : undefined
  const precision = typeof options.precision === 'number' ? options.precision : undefined
  const scale = typeof options.scale === 'number' ? options.scale : undefined
  const timestamp = `timestamp${version >= 7 ? '(6)' : ''} without time zone`
  const types: Record<string, string> = {
    string: limit ? `character varying(${limit})` : 'character varying',
    text: 'text',
    citext: 'citext',
    integer: limit === 8 ? 'bigint' : limit === 2 ? 'smallint' : 'integer',
    bigint: 'bigint',
    float: 'double precision',
    decimal: precision ? `numeric(${precision}${scale === undefined ? '' : `,${scale}`})` : 'numeric',
    numeric: 'numeric',
    datetime: timestamp,
    timestamp,
    time: 'time without time zone',
    date: 'date',
    binary: 'bytea',
    boolean: 'boolean',
    json: 'json',
    jsonb: 'jsonb',
    uuid: 'uuid',
    inet: 'inet',
  }
  const base = types[railsType] ?? 'text'
  const defaultValue = 'default' in options ? literal(options.default) : undefined
  return {
    name,
    type: options.array === true ? `${base}[]` : base,
    nullable: options.null !== false,
    ...(defaultValue === undefined ? {} : {default: defaultValue}),
  }
}

function literal(value: RubyValue): string | undefined {
  if (value === null) return undefined
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

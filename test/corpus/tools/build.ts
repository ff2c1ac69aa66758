/**
 * Builds a corpus schema in a real PostgreSQL: extensions, schemas, enum
 * types, sequences and tables first (`createTables`), then, once the rows are
 * in, unique indexes and foreign keys (`addConstraints`) — loading before the
 * constraints lets the generator fill foreign-key cycles in one pass.
 */
import type pg from 'pg'

import {parseTableName, quoteIdent, quoteTable} from '../../../src/lib/db/sql.js'
import type {CorpusSchema, CorpusTable} from './types.js'

/** What had to change for the schema to load on this server (an extension it lacks, say). */
export interface BuildNotes {
  missingExtensions: string[]
  adjustments: string[]
}

type Column = CorpusTable['columns'][number]

const ON_DELETE: Record<string, string> = {
  'no action': 'NO ACTION',
  restrict: 'RESTRICT',
  cascade: 'CASCADE',
  'set null': 'SET NULL',
  'set default': 'SET DEFAULT',
}

const schemasOf = (corpus: CorpusSchema) => [...new Set([...corpus.tables.map(t => t.schema), ...corpus.enums.map(e => e.schema)])]

export const tableKeyOf = (table: {schema: string; name: string}) => `${table.schema}.${table.name}`

/** Parents before the tables that inherit from them. */
function inOrder(tables: CorpusTable[]): CorpusTable[] {
  const byKey = new Map(tables.map(t => [tableKeyOf(t), t]))
  const done = new Set<string>()
  const ordered: CorpusTable[] = []
  const visit = (table: CorpusTable) => {
    const key = tableKeyOf(table)
    if (done.has(key)) return
    done.add(key)
    const parent = table.inherits ? byKey.get(table.inherits) : undefined
    if (parent) visit(parent)
    ordered.push(table)
  }
  for (const table of tables) visit(table)
  return ordered
}

function columnDdl(column: Column, type: string, keepDefault: boolean): string {
  const parts = [quoteIdent(column.name), type]
  if (column.generated) parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`)
  else if (keepDefault && column.default !== undefined) parts.push(`DEFAULT ${column.default}`)
  if (!column.nullable) parts.push('NOT NULL')
  return parts.join(' ')
}

/** `CREATE TABLE` for one table; an inheriting table lists only the columns its parent lacks. */
export function createTableSql(
  table: CorpusTable,
  parent: CorpusTable | undefined,
  options: {types: Map<string, string>; keepDefaults: boolean; keepGenerated: boolean},
): string {
  const inherited = new Set(parent?.columns.map(c => c.name) ?? [])
  const columns = table.columns
    .filter(c => !inherited.has(c.name))
    .map(c => {
      const column = options.keepGenerated ? c : {...c, generated: undefined}
      return columnDdl(column, options.types.get(c.name) ?? c.type, options.keepDefaults)
    })
  if (table.primaryKey.length > 0) columns.push(`PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(', ')})`)
  const inherits = parent ? ` INHERITS (${quoteTable(table.inherits!)})` : ''
  const partition = table.partitionBy ? ` PARTITION BY ${table.partitionBy}` : ''
  return `CREATE TABLE ${quoteTable(table)} (\n  ${columns.join(',\n  ')}\n)${inherits}${partition}`
}

function sequencesIn(defaults: Array<string | undefined>): string[] {
  const names = new Set<string>()
  for (const value of defaults) {
    for (const match of value?.matchAll(/nextval\('((?:[^']|'')+)'(?:::regclass)?\)/g) ?? []) names.add(match[1]!.replace(/''/g, "'"))
  }
  return [...names]
}

/** Creates everything but the unique indexes and foreign keys. */
export async function createTables(client: pg.ClientBase, corpus: CorpusSchema): Promise<BuildNotes> {
  await client.query('BEGIN')
  try {
    const notes = await createAll(client, corpus)
    await client.query('COMMIT')
    return notes
  } catch (error) {
    await client.query('ROLLBACK')
    throw error
  }
}

async function createAll(client: pg.ClientBase, corpus: CorpusSchema): Promise<BuildNotes> {
  const notes: BuildNotes = {missingExtensions: [], adjustments: []}
  const available = new Set((await client.query<{name: string}>('SELECT name FROM pg_available_extensions')).rows.map(r => r.name))
  for (const extension of corpus.extensions) {
    if (available.has(extension)) await client.query(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension)}`)
    else notes.missingExtensions.push(extension)
  }
  for (const schema of schemasOf(corpus)) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)
  for (const type of corpus.enums) {
    await client.query(`CREATE TYPE ${quoteTable(type)} AS ENUM (${type.values.map(v => `'${v.replace(/'/g, "''")}'`).join(', ')})`)
  }
  // Sequences named in defaults are created as written there (an SQL name, maybe schema-qualified).
  for (const sequence of sequencesIn(corpus.tables.flatMap(t => t.columns.map(c => c.default)))) {
    await client.query(`CREATE SEQUENCE IF NOT EXISTS ${sequence}`)
  }
  const byKey = new Map(corpus.tables.map(t => [tableKeyOf(t), t]))
  const ordered = inOrder(corpus.tables)
  const parentOf = (table: CorpusTable) => (table.inherits ? byKey.get(table.inherits) : undefined)
  // Every table in one round trip when the server takes them as they are (a schema of a thousand tables loads
  // in a fraction of the time); table by table, giving up what the server cannot do, when it does not.
  await client.query('SAVEPOINT create_all')
  try {
    await client.query(
      ordered
        .map(t => [createTableSql(t, parentOf(t), {types: new Map(), keepDefaults: true, keepGenerated: true}), ...defaultPartitionSql(t)].join(';\n'))
        .join(';\n'),
    )
    await client.query('RELEASE SAVEPOINT create_all')
    return notes
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT create_all')
  }
  for (const table of ordered) {
    await createOneTable(client, table, parentOf(table), notes)
    for (const sql of defaultPartitionSql(table)) await client.query(sql)
  }
  return notes
}

/** A partitioned table gets one partition that takes every row. */
function defaultPartitionSql(table: CorpusTable): string[] {
  if (!table.partitionBy) return []
  const bound = /^hash/i.test(table.partitionBy) ? 'FOR VALUES WITH (MODULUS 1, REMAINDER 0)' : 'DEFAULT'
  return [`CREATE TABLE ${quoteTable({schema: table.schema, name: `${table.name}_p_default`})} PARTITION OF ${quoteTable(table)} ${bound}`]
}

/**
 * Creates one table, giving up what this server cannot do: a type from an
 * extension it lacks becomes text, a default calling a function it lacks is
 * dropped, a generation expression it rejects becomes a plain column.
 */
async function createOneTable(client: pg.ClientBase, table: CorpusTable, parent: CorpusTable | undefined, notes: BuildNotes): Promise<void> {
  const types = new Map<string, string>()
  let keepDefaults = true
  let keepGenerated = true
  for (let attempt = 0; attempt < 8; attempt++) {
    await client.query('SAVEPOINT create_table')
    try {
      await client.query(createTableSql(table, parent, {types, keepDefaults, keepGenerated}))
      await client.query('RELEASE SAVEPOINT create_table')
      return
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT create_table')
      const {code, message} = error as {code?: string; message: string}
      const missingType = /type "([^"]+)" does not exist/.exec(message)?.[1]
      if (code === '42704' && missingType) {
        const bare = missingType.replace(/^.*\./, '')
        for (const c of table.columns)
          if (
            c.type
              .replace(/\[\]$/, '')
              .replace(/\(.*\)$/, '')
              .replace(/^.*\./, '')
              .replace(/"/g, '') === bare
          )
            types.set(c.name, c.type.endsWith('[]') ? 'text[]' : 'text')
        notes.adjustments.push(`${tableKeyOf(table)}: type ${missingType} stored as text`)
      } else if (keepDefaults && (code === '42883' || code === '42P01' || code === '3F000')) {
        keepDefaults = false
        notes.adjustments.push(`${tableKeyOf(table)}: defaults dropped (${message})`)
      } else if (keepGenerated && table.columns.some(c => c.generated)) {
        keepGenerated = false
        notes.adjustments.push(`${tableKeyOf(table)}: generated columns kept as plain columns (${message})`)
      } else {
        throw new Error(`${tableKeyOf(table)}: ${message}`)
      }
    }
  }
  throw new Error(`${tableKeyOf(table)}: could not be created`)
}

export function uniqueIndexSql(table: CorpusTable, index: CorpusTable['uniqueIndexes'][number]): string {
  if (index.constraint && !index.predicate && index.columns.every(c => c !== null)) {
    return `ALTER TABLE ${quoteTable(table)} ADD UNIQUE (${index.columns.map(c => quoteIdent(c!)).join(', ')})`
  }
  const expressions = [...(index.expressions ?? [])]
  const keys = index.columns.map(c => (c === null ? `(${expressions.shift()})` : quoteIdent(c)))
  return `CREATE UNIQUE INDEX ON ${quoteTable(table)} (${keys.join(', ')})${index.predicate ? ` WHERE ${index.predicate}` : ''}`
}

export function foreignKeySql(table: CorpusTable, fk: CorpusTable['foreignKeys'][number]): string {
  return `ALTER TABLE ${quoteTable(table)} ADD FOREIGN KEY (${fk.columns.map(quoteIdent).join(', ')}) REFERENCES ${quoteTable(parseTableName(fk.references))} (${fk.referencedColumns.map(quoteIdent).join(', ')}) ON DELETE ${ON_DELETE[fk.onDelete] ?? 'NO ACTION'}`
}

/**
 * Adds the unique indexes, then the foreign keys, then refreshes the planner's row counts. They go in one
 * transaction and round trip (three times faster on a schema of a thousand tables); when that fails, one by one,
 * to say which statement the rows break.
 */
export async function addConstraints(client: pg.ClientBase, corpus: CorpusSchema): Promise<void> {
  const statements = [
    ...corpus.tables.flatMap(t => t.uniqueIndexes.map(i => uniqueIndexSql(t, i))),
    ...corpus.tables.flatMap(t => t.foreignKeys.map(fk => foreignKeySql(t, fk))),
  ]
  try {
    if (statements.length > 0) await client.query(`BEGIN;\n${statements.join(';\n')};\nCOMMIT`)
  } catch {
    await client.query('ROLLBACK')
    for (const sql of statements) {
      try {
        await client.query(sql)
      } catch (error) {
        throw new Error(`${sql}: ${(error as Error).message}`)
      }
    }
  }
  await client.query('ANALYZE')
}

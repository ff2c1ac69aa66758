/**
 * Describes a schema as corpus facts: loads DDL into a fresh PostgreSQL of
 * its own, reads it back through the tool's own introspection, and writes the
 * tables, columns, keys, unique indexes, foreign keys and enum types as JSON.
 *
 *   tsx test/corpus/tools/describe.ts --sql schema.sql --out test/corpus/APP/schema.json \
 *     --app APP --repository owner/name --commit SHA --paths db/schema.rb \
 *     --ecosystem rails --naming snake_case --language en [--license MIT]
 */
import {readFile, writeFile, mkdir} from 'node:fs/promises'
import {dirname} from 'node:path'
import {parseArgs} from 'node:util'

import pg from 'pg'

import {introspect} from '../../../src/lib/db/introspect.js'
import {startPostgres} from '../../support/postgres-server.js'
import {formatCorpusJson} from './format.js'
import type {CorpusSchema} from './types.js'

const {values: args} = parseArgs({
  options: {
    sql: {type: 'string'},
    out: {type: 'string'},
    app: {type: 'string'},
    repository: {type: 'string'},
    commit: {type: 'string'},
    paths: {type: 'string'},
    ecosystem: {type: 'string'},
    naming: {type: 'string'},
    language: {type: 'string'},
    license: {type: 'string'},
  },
})
for (const required of ['sql', 'out', 'app', 'repository', 'commit', 'paths', 'ecosystem', 'naming', 'language'] as const) {
  if (!args[required]) throw new Error(`--${required} is required`)
}

const server = await startPostgres()
const client = new pg.Client({connectionString: server.url()})
try {
  await client.connect()
  await client.query('CREATE DATABASE corpus_describe')
  await client.end()
  const db = new pg.Client({connectionString: server.url('corpus_describe')})
  await db.connect()
  try {
    await db.query(await readFile(args.sql!, 'utf8'))
    const schema = await introspect(db)
    const partitionKeys = new Map(
      (
        await db.query<{key: string; def: string}>(`
      SELECT n.nspname || '.' || c.relname AS key, pg_get_partkeydef(c.oid) AS def
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'p'`)
      ).rows.map(r => [r.key, r.def]),
    )
    const enums = await db.query<{schema: string; name: string; values: string[]}>(`
      SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      GROUP BY n.nspname, t.typname ORDER BY 1, 2`)
    const extensions = await db.query<{name: string}>(`SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`)
    const described: CorpusSchema = {
      app: args.app!,
      source: {repository: args.repository!, commit: args.commit!, paths: args.paths!.split(','), ...(args.license ? {license: args.license} : {})},
      ecosystem: args.ecosystem!,
      naming: args.naming!,
      language: args.language!,
      extensions: extensions.rows.map(r => r.name),
      enums: enums.rows,
      tables: [...schema.tables.values()]
        .filter(t => t.kind === 'table' || t.kind === 'partitioned')
        .map(t => ({
          schema: t.schema,
          name: t.name,
          ...(t.kind === 'partitioned' ? {partitionBy: partitionKeys.get(t.key)} : {}),
          ...(t.inheritsFrom ? {inherits: t.inheritsFrom} : {}),
          columns: t.columns.map(c => ({
            name: c.name,
            type: c.type,
            nullable: c.isNullable,
            ...(c.default !== null && !c.generated ? {default: c.default} : {}),
            ...(c.generated ? {generated: c.default ?? ''} : {}),
          })),
          primaryKey: t.primaryKey,
          uniqueIndexes: t.uniqueIndexes
            .filter(i => !i.isConstraint || !sameColumns(i.columns, t.primaryKey))
            .map(i => ({
              columns: i.columns,
              ...(i.expressions.length > 0 ? {expressions: i.expressions} : {}),
              ...(i.predicate ? {predicate: i.predicate} : {}),
              ...(i.isConstraint ? {constraint: true} : {}),
            })),
          // A key that points at one partition (as GitLab's do at a list partition of ci_runners) has no table to
          // point at here, where partitions are described by their parent.
          foreignKeys: t.foreignKeys
            .filter(fk => schema.tables.has(fk.references))
            .map(fk => ({columns: fk.columns, references: fk.references, referencedColumns: fk.referencedColumns, onDelete: fk.onDelete})),
        })),
    }
    await mkdir(dirname(args.out!), {recursive: true})
    await writeFile(args.out!, formatCorpusJson(described))
    process.stderr.write(`${args.out}: ${described.tables.length} tables, ${described.tables.reduce((n, t) => n + t.columns.length, 0)} columns\n`)
  } finally {
    await db.end()
  }
} finally {
  await server.stop()
}

function sameColumns(a: Array<string | null>, b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i])
}

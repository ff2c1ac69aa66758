import {mkdir, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {expect} from 'chai'
import pg from 'pg'

import {PROJECT_ROOT, runProcess} from './processes.js'

/** tsx's loader by its path, so that a converter can run in a checkout outside the project. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** Writes source files of an imaginary application into a fresh directory and returns it. */
export async function writeSources(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'corpus-source-'))
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), {recursive: true})
    await writeFile(join(dir, path), text)
  }
  return dir
}

/** Runs a corpus converter as the corpus README does (in `cwd`, the application's checkout) and returns the DDL it wrote. */
export async function convert(tool: string, args: string[], cwd?: string): Promise<string> {
  const out = join(await mkdtemp(join(tmpdir(), 'corpus-ddl-')), 'schema.sql')
  const result = await runProcess(process.execPath, ['--import', TSX, join(PROJECT_ROOT, 'test/corpus/tools', tool), '--out', out, ...args], {}, cwd)
  expect(result.code, result.stderr).to.equal(0)
  return readFile(out, 'utf8')
}

/** Columns of a loaded table as `name type` with `NOT NULL` where it applies, in order. */
export async function columnsOf(pool: pg.Pool, table: string, schema = 'public'): Promise<string[]> {
  const {rows} = await pool.query<{line: string}>(
    `
    SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END AS line
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, table],
  )
  return rows.map(r => r.line)
}

/** Definitions of a table's unique indexes, as Postgres prints them, sorted. */
export async function uniqueIndexesOf(pool: pg.Pool, table: string): Promise<string[]> {
  const {rows} = await pool.query<{def: string}>(
    `
    SELECT regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING btree ', '') AS def
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = $1 AND i.indisunique AND NOT i.indisprimary ORDER BY 1`,
    [table],
  )
  return rows.map(r => r.def)
}

/** Foreign keys of a table as `columns -> table(columns)`. */
export async function foreignKeysOf(pool: pg.Pool, table: string): Promise<string[]> {
  const {rows} = await pool.query<{def: string}>(
    `
    SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY 1`,
    [table],
  )
  return rows.map(r => r.def)
}

/** Unique constraints of a table (as Django declares them), as `UNIQUE (columns)`, sorted. */
export async function uniqueConstraintsOf(pool: pg.Pool, table: string): Promise<string[]> {
  const {rows} = await pool.query<{def: string}>(
    `
    SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'u' ORDER BY 1`,
    [table],
  )
  return rows.map(r => r.def)
}

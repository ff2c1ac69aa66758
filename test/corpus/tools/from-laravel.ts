/**
 * Replays a Laravel application's migrations as PostgreSQL DDL, in the order
 * Laravel runs them (by file name, across the migration folders): the raw
 * SQL of `DB::unprepared`/`DB::statement` (table, sequence, index, schema
 * and type statements only — data, views, functions and triggers are left
 * out) and `Schema::create`/`Schema::table`/`Schema::drop*` closures. Each
 * statement runs on its own and may fail without stopping the rest, as a
 * migration that touches a view or a function we left out would.
 *
 *   tsx test/corpus/tools/from-laravel.ts --out schema.sql [--skip data] [--search-path a,b] MIGRATIONS_DIR
 */
import {readdir, readFile, writeFile} from 'node:fs/promises'
import {basename, join} from 'node:path'
import {parseArgs} from 'node:util'

import {blueprintSql, phpValue} from './laravel-blueprint.js'

const DDL =
  /^(CREATE\s+(UNIQUE\s+)?INDEX|CREATE\s+TABLE|ALTER\s+TABLE|CREATE\s+SEQUENCE|ALTER\s+SEQUENCE|CREATE\s+SCHEMA|CREATE\s+TYPE|CREATE\s+EXTENSION|DROP\s+TABLE|DROP\s+INDEX|DROP\s+SEQUENCE|ALTER\s+INDEX)\b/i

async function migrationFiles(dir: string, skip: string[]): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, {withFileTypes: true})) {
    if (entry.isDirectory() && !skip.includes(entry.name)) files.push(...(await migrationFiles(join(dir, entry.name), skip)))
    else if (entry.name.endsWith('.php')) files.push(join(dir, entry.name))
  }
  return files.sort((a, b) => basename(a).localeCompare(basename(b)))
}

/** The text between the parentheses that open at `open`. */
function balanced(text: string, open: number): string {
  let depth = 0
  let quote: string | null = null
  for (let i = open; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = null
    } else if (c === '"' || c === "'") quote = c
    else if (c === '<' && text.startsWith('<<<', i)) {
      // A heredoc runs to the line that starts with its tag.
      const tag = /^<<<\s*'?(\w+)'?/.exec(text.slice(i))
      const close = tag ? text.slice(i).search(new RegExp(`\\n\\s*${tag[1]}\\b`)) : -1
      if (tag && close > 0) i += close + tag[0].length
    } else if (c === '(' || c === '{' || c === '[') depth++
    else if (c === ')' || c === '}' || c === ']') {
      depth--
      if (depth === 0) return text.slice(open + 1, i)
    }
  }
  return text.slice(open + 1)
}

/** The body of the migration's `up()` method. */
function upBody(source: string): string {
  const at = source.search(/function\s+up\s*\(\s*\)(\s*:\s*void)?\s*\{/)
  if (at < 0) return ''
  const open = source.indexOf('{', at)
  return balanced(source, open)
}

/** A PHP string argument: a quoted literal or a heredoc/nowdoc; undefined when it is built from variables. */
function phpStringArgument(text: string): string | undefined {
  const t = text.trim()
  const heredoc = /^<<<\s*'?(\w+)'?\n([\s\S]*?)\n\s*\1\s*$/.exec(t)
  if (heredoc) return heredoc[2]
  const value = phpValue(t)
  return typeof value === 'string' && /^['"]/.test(t) ? value : undefined
}

/** Splits SQL at semicolons outside quotes, dollar quotes and comments. */
export function splitSql(sql: string): string[] {
  const out: string[] = []
  let start = 0
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!
    if (c === "'") i = sql.indexOf("'", i + 1) < 0 ? sql.length : sql.indexOf("'", i + 1)
    else if (c === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i)
    else if (c === '$') {
      const tag = /^\$\w*\$/.exec(sql.slice(i))?.[0]
      if (tag) i = sql.indexOf(tag, i + tag.length) < 0 ? sql.length : sql.indexOf(tag, i + tag.length) + tag.length - 1
    } else if (c === ';') {
      out.push(sql.slice(start, i).trim())
      start = i + 1
    }
  }
  out.push(sql.slice(start).trim())
  return out.map(s => s.replace(/^(--[^\n]*\n\s*)+/, '')).filter(Boolean)
}

/** The DDL statements of one migration, in the order it runs them. */
export function migrationSql(source: string): string[] {
  const body = upBody(source)
  const statements: string[] = []
  const call =
    /(DB::unprepared|DB::statement|Schema::create|Schema::table|Schema::dropIfExists|Schema::drop|Schema::rename|\$this->dropPrimaryKeysFromTable)\s*\(/g
  let match: RegExpExecArray | null
  while ((match = call.exec(body))) {
    const args = balanced(body, call.lastIndex - 1)
    call.lastIndex += args.length
    const [kind] = [match[1]!]
    if (kind.startsWith('DB::')) {
      const sql = phpStringArgument(args)
      if (sql) statements.push(...splitSql(sql).filter(s => DDL.test(s)))
      continue
    }
    const comma = args.indexOf(',')
    const table = phpValue(comma < 0 ? args : args.slice(0, comma)) as string
    if (kind.endsWith('dropPrimaryKeysFromTable')) {
      // The application's helper drops the primary key of every table of that name, found in the catalog.
      statements.push(
        `DO $drop$ DECLARE r record; BEGIN FOR r IN SELECT conrelid::regclass AS rel, conname FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text ~ ('(^|\\.)' || '${table.replace(/'/g, "''")}' || '$') LOOP EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.rel, r.conname); END LOOP; END $drop$`,
      )
      continue
    }
    if (kind === 'Schema::dropIfExists' || kind === 'Schema::drop') statements.push(`DROP TABLE IF EXISTS ${quoted(table)} CASCADE`)
    else if (kind === 'Schema::rename')
      statements.push(`ALTER TABLE ${quoted(table)} RENAME TO "${(phpValue(args.slice(comma + 1)) as string).replace(/.*\./, '')}"`)
    else {
      const open = args.indexOf('{')
      statements.push(...blueprintSql(table, open < 0 ? '' : balanced(args, open), kind === 'Schema::create').map(s => s.replace(/;$/, '')))
    }
  }
  return statements
}

const quoted = (table: string) =>
  table
    .split('.')
    .map(p => `"${p}"`)
    .join('.')

/** Each statement runs alone: one that fails (a view or function it needs is not replayed) leaves the rest. */
const tolerant = (sql: string) =>
  `DO $corpus$ BEGIN EXECUTE $stmt$${sql}$stmt$; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'skipped: % (%)', SQLERRM, left($stmt$${sql.slice(0, 80)}$stmt$, 80); END $corpus$;`

export async function laravelToSql(dir: string, options: {skip?: string[]; searchPath?: string[]} = {}): Promise<string> {
  const out: string[] = []
  if (options.searchPath) out.push(`SET search_path = ${options.searchPath.join(', ')};`)
  for (const file of await migrationFiles(dir, options.skip ?? [])) {
    for (const sql of migrationSql(await readFile(file, 'utf8'))) out.push(tolerant(sql))
  }
  // Reading the schema back must not depend on the path the migrations ran with.
  if (options.searchPath) out.push('RESET search_path;')
  return `${out.join('\n')}\n`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const {values: args, positionals} = parseArgs({
    allowPositionals: true,
    options: {out: {type: 'string'}, skip: {type: 'string'}, 'search-path': {type: 'string'}},
  })
  if (!args.out || positionals.length !== 1) throw new Error('usage: from-laravel.ts --out FILE [--skip DIR,...] [--search-path SCHEMA,...] MIGRATIONS_DIR')
  await writeFile(args.out, await laravelToSql(positionals[0]!, {skip: args.skip?.split(','), searchPath: args['search-path']?.split(',')}))
}

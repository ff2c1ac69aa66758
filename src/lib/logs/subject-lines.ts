import type pg from 'pg'
import QueryStream from 'pg-query-stream'

import type {Category, DataMap} from '../datamap/schema.js'
import {quoteIdent} from '../db/sql.js'
import type {SubjectRows} from '../subject/keyset.js'
import type {SubjectLookup} from '../subject/parse.js'
import {LOG_LINES} from './store.js'

/** Categories whose values identify a person when they show up in a log line. */
const IDENTIFYING: ReadonlySet<Category> = new Set(['identity', 'contact', 'online_id'])
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext', 'inet', 'cidr', 'uuid'])
/**
 * Whether a value picks out one person in free text: at least five
 * characters, and not a single short word — "Alice" alone would pull other
 * Alices' lines into an export, while "Alice Example", alice_w, emails,
 * phone numbers and IP addresses do not.
 */
export function isDistinctive(value: string): boolean {
  return value.length >= 5 && (value.length >= 10 || /[^\p{L}]/u.test(value))
}
const MAX_VALUES_PER_COLUMN = 200

/**
 * The strings that identify the people in their log lines: the lookup values
 * and every identity, contact or online-id value in their rows (emails, user
 * names, phone numbers, IP addresses) that is distinctive enough — at most a
 * few hundred per column, whatever the people's row count.
 */
export async function subjectIdentifiers(client: pg.ClientBase, input: {map: DataMap; rows: SubjectRows; lookups: SubjectLookup[]}): Promise<string[]> {
  const found = new Set(input.lookups.map(l => l.value.trim()))
  for (const [key, set] of input.rows.sets) {
    const columns = Object.entries(input.map.tables[key]?.columns ?? {})
      .filter(([name, spec]) => IDENTIFYING.has(spec.category) && set.planned.table.columns.some(c => c.name === name && !c.isArray && TEXT_TYPES.has(c.baseType)))
    for (const [column] of columns) {
      const type = set.planned.table.columns.find(c => c.name === column)!.baseType
      const text = type === 'inet' || type === 'cidr' ? `host(t.${quoteIdent(column)})` : `t.${quoteIdent(column)}::text`
      const {rows} = await client.query<{value: string}>(
        `${input.rows.prefix([key])}SELECT DISTINCT ${text} AS value FROM ${set.from} t WHERE ${input.rows.belongs(key, 't')} AND t.${quoteIdent(column)} IS NOT NULL LIMIT ${MAX_VALUES_PER_COLUMN}`)
      for (const row of rows) found.add(row.value.trim())
    }
  }
  return [...found].filter(isDistinctive).sort((a, b) => b.length - a.length || a.localeCompare(b))
}

/** Each identifier as it can appear in a line: as is, and percent-encoded as in request paths and query strings. */
function spellings(identifiers: string[]): string[] {
  return [...new Set(identifiers.flatMap(value => [value, encodeURIComponent(value)]))].sort((a, b) => b.length - a.length)
}

const likePattern = (value: string) => `%${value.replace(/[\\%_]/g, c => `\\${c}`)}%`

/**
 * A Postgres regular expression for any of the identifiers as a whole token:
 * alice@example.com but not malice@example.com, 10.0.0.1 but not 10.0.0.12.
 * A sentence's full stop after an email still counts as an end.
 */
function tokenPattern(identifiers: string[]): string {
  const alternatives = identifiers.map(v => v.replace(/[\\^$.|?*+()[\]{}]/g, c => `\\${c}`)).join('|')
  return `(?<![[:alnum:]_.@+%-])(?:${alternatives})(?![[:alnum:]_@%-])(?!\\.[[:alnum:]])`
}

/** The WHERE condition for lines mentioning the identifiers: a cheap ILIKE first, then the exact token match. */
function mentions(identifiers: string[]): {where: string; params: unknown[]} {
  const all = spellings(identifiers)
  return {where: 'message ILIKE ANY($1) AND message ~* $2', params: [all.map(likePattern), tokenPattern(all)]}
}

export const LOG_COLUMNS = ['received_at', 'logged_at', 'host', 'app', 'proc', 'message'] as const

export interface SubjectLogLine {
  received_at: Date
  logged_at: Date
  host: string
  app: string
  proc: string
  message: string
}

/** The stored lines that mention any of the identifiers, oldest first, as a stream (a week of logs can be large). */
export function streamSubjectLines(client: pg.ClientBase, identifiers: string[]): NodeJS.ReadableStream & AsyncIterable<SubjectLogLine> {
  const {where, params} = mentions(identifiers)
  return client.query(new QueryStream(`SELECT ${LOG_COLUMNS.join(', ')} FROM ${LOG_LINES} WHERE ${where} ORDER BY logged_at, received_at`, params, {batchSize: 1000}))
}

/** Replaces every mention of the identifiers in stored lines with `[erased]`, in one statement; returns the lines changed. */
export async function redactSubjectLines(db: pg.ClientBase | pg.Pool, identifiers: string[], options: {dryRun?: boolean} = {}): Promise<number> {
  if (identifiers.length === 0) return 0
  const {where, params} = mentions(identifiers)
  if (options.dryRun) {
    const {rows} = await db.query<{count: number}>(`SELECT count(*)::int AS count FROM ${LOG_LINES} WHERE ${where}`, params)
    return rows[0]!.count
  }
  const result = await db.query(`UPDATE ${LOG_LINES} SET message = regexp_replace(message, $2, '[erased]', 'gi') WHERE ${where}`, params)
  return result.rowCount ?? 0
}

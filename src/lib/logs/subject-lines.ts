import type pg from 'pg'
import QueryStream from 'pg-query-stream'

import type {Identifier} from '../locate/identifiers.js'
import {searchPatterns} from '../locate/patterns.js'
import {LOG_LINES} from './store.js'

export {readIdentifiers as subjectIdentifiers} from '../locate/values.js'

/** The WHERE condition for lines mentioning the identifiers: a cheap LIKE first, then the exact token match. */
function mentions(identifiers: Identifier[]): {where: string; params: unknown[]; regexes: number} {
  const {likes, regexes} = searchPatterns(identifiers)
  return {where: 'lower(message) LIKE ANY($1::text[]) AND message ~* ANY($2::text[])', params: [likes, regexes], regexes: regexes.length}
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
export function streamSubjectLines(client: pg.ClientBase, identifiers: Identifier[]): NodeJS.ReadableStream & AsyncIterable<SubjectLogLine> {
  const {where, params} = mentions(identifiers)
  return client.query(
    new QueryStream(`SELECT ${LOG_COLUMNS.join(', ')} FROM ${LOG_LINES} WHERE ${where} ORDER BY logged_at, received_at`, params, {batchSize: 1000}),
  )
}

/** Replaces every mention of the identifiers in stored lines with `[erased]`, in one statement; returns the lines changed. */
export async function redactSubjectLines(db: pg.ClientBase | pg.Pool, identifiers: Identifier[], options: {dryRun?: boolean} = {}): Promise<number> {
  if (identifiers.length === 0) return 0
  const {where, params, regexes} = mentions(identifiers)
  if (options.dryRun) {
    const {rows} = await db.query<{count: number}>(`SELECT count(*)::int AS count FROM ${LOG_LINES} WHERE ${where}`, params)
    return rows[0]!.count
  }
  let redacted = 'message'
  for (let i = 1; i <= regexes; i++) redacted = `regexp_replace(${redacted}, ($2::text[])[${i}], '[erased]', 'gi')`
  const result = await db.query(`UPDATE ${LOG_LINES} SET message = ${redacted} WHERE ${where}`, params)
  return result.rowCount ?? 0
}

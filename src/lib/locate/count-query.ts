import type {ColumnInfo, TableInfo} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import type {SearchPatterns} from './patterns.js'

/** What to search: some columns of a table, optionally only some of its rows. */
export interface SearchTarget {
  table: TableInfo
  columns: ColumnInfo[]
  /**
   * Only rows meeting this condition are searched: an SQL condition over the
   * table's own columns (quoted identifiers, or qualified by its alias `t`),
   * e.g. `ctid = ANY (SELECT …)` or a semi-join to a key table. It may use
   * $1…$n from `params`, nothing else.
   */
  where?: string
  /**
   * The rows the data map ties to the person, written like `where`: matches
   * in them are counted apart (`linkedRows`), so that a mention in someone
   * else's row stands out.
   */
  linked?: string
  /** Bound parameters for $1…$n in `where` and `linked`; the search's own parameters are numbered after them. */
  params?: unknown[]
  /** A WITH clause the statement must start with, for relations `where` and `linked` read (inline key sets). */
  with?: string
}

export interface CountQuery {
  sql: string
  params: unknown[]
}

/**
 * One sequential pass over a table that counts, per column, the rows where
 * any identifier appears: each value cast to text (JSON with its keys, arrays,
 * inet), lowered once, passed through the LIKE prefilter, then the token test.
 */
export function countQuery(target: SearchTarget, patterns: SearchPatterns): CountQuery {
  const params = [...(target.params ?? []), patterns.likes, patterns.regexes]
  const likes = `$${params.length - 1}`
  const regexes = `$${params.length}`
  const matches = target.columns.map(column => {
    const text = `lower(t.${quoteIdent(column.name)}::text)`
    return `(${text} LIKE ANY(${likes}::text[]) AND ${text} ~* ANY(${regexes}::text[]))`
  })
  // A plain read of a table that others inherit from includes their rows, which are searched as tables of their own.
  const from = `${target.table.kind === 'table' && target.table.inheritedBy.length > 0 ? 'ONLY ' : ''}${quoteTable(target.table)} t`
  const where = target.where ? ` WHERE (${target.where})` : ''
  if (!target.linked) {
    const counts = matches.map((match, i) => `count(*) FILTER (WHERE ${match}) AS m${i}`)
    return {sql: `${target.with ?? ''}SELECT count(*) AS read, ${counts.join(', ')} FROM ${from}${where}`, params}
  }
  // The fence (OFFSET 0) makes each column's test run once per row, however many counts read it.
  const flags = [...matches.map((match, i) => `${match} AS m${i}`), `coalesce((${target.linked}), false) AS linked`]
  const counts = matches.flatMap((_, i) => [`count(*) FILTER (WHERE m${i}) AS m${i}`, `count(*) FILTER (WHERE m${i} AND linked) AS l${i}`])
  return {
    sql: `${target.with ?? ''}SELECT count(*) AS read, ${counts.join(', ')} FROM (SELECT ${flags.join(', ')} FROM ${from}${where} OFFSET 0) AS found`,
    params,
  }
}

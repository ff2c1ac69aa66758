import {randomUUID} from 'node:crypto'

import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import {DURATION, TableMap} from '../datamap/schema.js'
import type {TableInfo} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import type {LedgerContext} from '../ledger/context.js'
import {inTransaction} from '../ledger/context.js'
import {addMonths} from '../ledger/dates.js'
import {appendEvent, appendEventWithRows, listEvents} from '../ledger/events.js'
import {LedgerHead, formatHead} from '../ledger/head.js'
import type {ProgressSink} from '../progress.js'
import {primaryKeyText, restrictedRowCondition} from '../restrict/registry-sql.js'
import {columnAssignment, deriveHashKey} from './strategies.js'

export interface RetentionInput {
  pool: pg.Pool
  mapFile: string
  ledger: LedgerContext
  /** The ledger is in this database: each batch and its progress record commit together. */
  sameDatabase: boolean
  key: Buffer
  dryRun: boolean
  batchSize: number
  lockTimeoutMs: number
  progress?: ProgressSink
}

export interface RetentionTableReport {
  table: string
  action: 'delete' | 'anonymize'
  column: string
  cutoff: string
  /** For anonymize: rows that passed the cutoff since the last finished run are all that is touched. */
  from: string | null
  rows: number
  batches: number
  skippedRestricted: number
}

export interface RetentionReport {
  run: string
  resumed: boolean
  dryRun: boolean
  tables: RetentionTableReport[]
  /** The ledger's head after the run's last event (null on a dry run). */
  ledgerHead: LedgerHead | null
}

export function cutoffFor(now: Date, after: string): Date {
  const [, amount, unit] = DURATION.exec(after)!
  const n = Number(amount)
  if (unit === 'day') return new Date(now.getTime() - n * 86_400_000)
  if (unit === 'week') return new Date(now.getTime() - n * 7 * 86_400_000)
  const months = unit === 'year' ? n * 12 : n
  const moved = addMonths(now, -months)
  return new Date(moved.getTime() + (now.getTime() % 86_400_000))
}

interface RunState {
  run: string
  resumed: boolean
  cutoffs: Record<string, string>
  froms: Record<string, string | null>
  lastKeys: Record<string, string[] | null>
}

/** Finds an unfinished run to resume, or starts a new one from the last finished run's cutoffs. */
async function startRun(input: RetentionInput, rules: Array<{key: string; rule: NonNullable<TableMap['retention']>}>): Promise<RunState> {
  const retention = await listEvents(input.ledger.pool, {scope: input.ledger.scope, actionPrefix: 'retention.', limit: 1_000_000})
  const lastStart = retention.filter(e => e.action === 'retention.started').at(-1)
  const finished = new Set(retention.filter(e => e.action === 'retention.finished').map(e => e.details.run as string))
  if (lastStart && !finished.has(lastStart.details.run as string) && !input.dryRun) {
    const run = lastStart.details.run as string
    const lastKeys: Record<string, string[] | null> = {}
    for (const batch of retention.filter(e => e.action === 'retention.batch' && e.details.run === run)) lastKeys[batch.details.table as string] = batch.details.last_key as string[]
    return {run, resumed: true, cutoffs: lastStart.details.cutoffs as Record<string, string>, froms: lastStart.details.froms as Record<string, string | null>, lastKeys}
  }
  const previous = retention.filter(e => e.action === 'retention.started' && finished.has(e.details.run as string)).at(-1)
  const now = input.ledger.clock()
  const cutoffs: Record<string, string> = {}
  const froms: Record<string, string | null> = {}
  for (const {key, rule} of rules) {
    cutoffs[key] = cutoffFor(now, rule.after).toISOString()
    froms[key] = rule.action === 'anonymize' ? ((previous?.details.cutoffs as Record<string, string> | undefined)?.[key] ?? null) : null
  }
  const state = {run: randomUUID(), resumed: false, cutoffs, froms, lastKeys: {}}
  if (!input.dryRun) await appendEvent(input.ledger, {action: 'retention.started', details: {run: state.run, cutoffs, froms}})
  return state
}

function keysAfter(table: TableInfo, last: string[] | null, firstParam: number): {sql: string; params: string[]} {
  if (!last) return {sql: 'true', params: []}
  const columns = table.primaryKey.map(c => `t.${quoteIdent(c)}`)
  const types = table.primaryKey.map(c => table.columns.find(col => col.name === c)!.type)
  const params = types.map((type, i) => `$${firstParam + i}::${type}`)
  return {sql: `(${columns.join(', ')}) > (${params.join(', ')})`, params: last}
}

/**
 * Applies every `retention:` rule of the map: rows whose column is older than
 * `after` are deleted or anonymised in keyset batches, each batch its own
 * transaction with its progress recorded in the ledger, so a run killed
 * between batches resumes where it stopped. Restricted and held rows are
 * never touched.
 */
export async function runRetention(input: RetentionInput): Promise<RetentionReport> {
  const {loaded, schema} = await loadMapForDatabase(input.mapFile, input.pool)
  const rules = Object.entries(loaded.map.tables).filter(([, spec]) => spec.retention).map(([key, spec]) => ({key, spec, rule: spec.retention!}))
  const state = await startRun(input, rules)
  const {rows: [registry]} = await input.pool.query<{exists: boolean}>("SELECT to_regclass('heroku_privacy.restricted_rows') IS NOT NULL AS exists")
  const hashKey = deriveHashKey(input.key)
  const report: RetentionReport = {run: state.run, resumed: state.resumed, dryRun: input.dryRun, tables: [], ledgerHead: null}
  for (const {key, spec, rule} of rules) {
    const table = schema.tables.get(key)!
    const keyText = primaryKeyText(table, 't')
    const restricted = registry!.exists ? restrictedRowCondition(key, keyText) : 'false'
    const cutoff = state.cutoffs[key]!
    const from = state.froms[key] ?? null
    const window = `t.${quoteIdent(rule.column)} < $1::timestamptz${from ? ' AND t.' + quoteIdent(rule.column) + ' >= $2::timestamptz' : ''}`
    const windowParams = from ? [cutoff, from] : [cutoff]
    const entry: RetentionTableReport = {table: key, action: rule.action, column: rule.column, cutoff, from, rows: 0, batches: 0, skippedRestricted: 0}
    report.tables.push(entry)
    entry.skippedRestricted = (await input.pool.query<{n: number}>(`SELECT count(*)::int AS n FROM ${quoteTable(table)} t WHERE ${window} AND ${restricted}`, windowParams)).rows[0]!.n
    if (input.dryRun) {
      entry.rows = (await input.pool.query<{n: number}>(`SELECT count(*)::int AS n FROM ${quoteTable(table)} t WHERE ${window} AND NOT ${restricted}`, windowParams)).rows[0]!.n
      continue
    }
    let last = state.lastKeys[key] ?? null
    for (;;) {
      const after = keysAfter(table, last, windowParams.length + 1)
      const done = await inTransaction(input.pool, async client => {
        await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(input.lockTimeoutMs))}`)
        const {rows} = await client.query(
          `SELECT ${table.primaryKey.map((c, i) => `t.${quoteIdent(c)}::text AS k${i}`).join(', ')}, ${keyText} AS pk FROM ${quoteTable(table)} t
           WHERE ${window} AND NOT ${restricted} AND ${after.sql} ORDER BY ${table.primaryKey.map(c => `t.${quoteIdent(c)}`).join(', ')} LIMIT ${Math.floor(input.batchSize)}`,
          [...windowParams, ...after.params])
        if (rows.length === 0) return true
        const pks = rows.map(r => r.pk as string)
        const params: unknown[] = [pks]
        const param = (value: unknown) => {
          params.push(value)
          return `$${params.length}`
        }
        if (rule.action === 'delete') {
          await client.query(`DELETE FROM ${quoteTable(table)} t WHERE ${keyText} = ANY($1)`, params)
        } else {
          const sets = table.columns.flatMap(column => {
            const columnSpec = spec.columns?.[column.name]
            const assignment = columnSpec && columnAssignment(column, columnSpec, {table, keyText, hashKey, param})
            return assignment ? [`${quoteIdent(column.name)} = ${assignment}`] : []
          })
          if (sets.length > 0) await client.query(`UPDATE ${quoteTable(table)} t SET ${sets.join(', ')} WHERE ${keyText} = ANY($1)`, params)
        }
        const lastRow = rows.at(-1)!
        last = table.primaryKey.map((_, i) => lastRow[`k${i}`] as string)
        const event = {action: 'retention.batch', details: {run: state.run, table: key, action: rule.action, rows: rows.length, last_key: last}}
        const touched = pks.map(pk => ({table: key, pk}))
        if (input.sameDatabase) await appendEventWithRows(input.ledger, event, touched, client)
        else await appendEventWithRows(input.ledger, event, touched)
        entry.rows += rows.length
        entry.batches++
        input.progress?.({kind: 'count', label: `${key} rows`, done: entry.rows})
        return rows.length < input.batchSize
      })
      if (done) break
    }
  }
  if (!input.dryRun) {
    report.ledgerHead = formatHead(await appendEvent(input.ledger, {action: 'retention.finished', details: {run: state.run, tables: Object.fromEntries(report.tables.map(t => [t.table, t.rows]))}}))
  }
  return report
}

import type pg from 'pg'

import type {ProgressSink} from '../progress.js'
import {SearchTarget, countQuery} from './count-query.js'
import type {Identifier} from './identifiers.js'
import {searchPatterns} from './patterns.js'

export type {SearchTarget} from './count-query.js'

/**
 * Where the search runs: one client (inside the caller's transaction, one
 * table after another), or a pool whose connections read tables in parallel.
 */
export type SearchSource = {client: pg.ClientBase} | {pool: pg.Pool}

export interface SearchOptions {
  /** Tables read at once, each on its own connection of the pool (1 on a client). */
  concurrency?: number
  /**
   * When to stop, in milliseconds of `clock`: a table still being read then is
   * cancelled (through its statement timeout) and listed as not reached. On a
   * client inside a transaction a cancelled statement aborts the transaction.
   */
  deadline?: number
  clock?: () => number
  /** Stops the search: no further table is started, and on a pool the tables being read are cancelled. */
  signal?: AbortSignal
  /**
   * Settings each pool connection needs for the targets' conditions (the
   * people's root keys, which inline key sets read); set for the session
   * and cleared before the connection goes back. A client keeps its own.
   */
  settings?: Record<string, string>
  progress?: ProgressSink
}

/** Rows of one column in which an identifier appears; counts only, never the values. */
export interface ColumnMatches {
  table: string
  column: string
  rows: number
  /** Of those, the rows the target's `linked` condition ties to the person. */
  linkedRows: number
}

export interface SearchOutcome {
  /** Every column with at least one matching row, in the order of the targets. */
  matches: ColumnMatches[]
  /** Tables read to the end, with the rows read. */
  searched: Array<{table: string; rows: number}>
  /** Tables not read to the end: the time ran out, or the search was stopped, before or while reading them. */
  notReached: string[]
}

/** A statement cancelled (the budget's statement timeout, or a stop) or left waiting for a lock: the table was not reached. */
const NOT_REACHED = new Set(['57014', '55P03'])

interface Worker {
  client: pg.ClientBase
  pooled: boolean
  release(error?: Error): void
  pid: number
  timeout: string
}

/**
 * Counts, per table and column, the rows in which any of the identifiers
 * appears as a whole token: one pass per table covering all its columns.
 * Identifiers go to Postgres only as bound parameters, and only counts come
 * back. With no identifiers there is nothing to find and nothing is read.
 */
export async function searchIdentifiers(
  source: SearchSource,
  targets: SearchTarget[],
  identifiers: Identifier[],
  options: SearchOptions = {},
): Promise<SearchOutcome> {
  const clock = options.clock ?? Date.now
  const outcomes = new Map<SearchTarget, {matches: ColumnMatches[]; rows: number} | 'not reached'>()
  const pending = targets.filter(t => t.columns.length > 0)
  if (identifiers.length === 0) {
    return {matches: [], searched: pending.map(t => ({table: t.table.key, rows: 0})), notReached: []}
  }
  const patterns = searchPatterns(identifiers)
  const queue = [...pending]
  const running = new Set<Worker>()
  const isOver = () => options.signal?.aborted === true || (options.deadline !== undefined && clock() >= options.deadline)
  const cancelRunning = () => {
    if (!('pool' in source)) return
    for (const worker of running) source.pool.query('SELECT pg_cancel_backend($1)', [worker.pid]).catch(() => {})
  }
  options.signal?.addEventListener('abort', cancelRunning, {once: true})

  const work = async () => {
    const worker = await openWorker(source, options.settings ?? {})
    running.add(worker)
    try {
      for (let target = queue.shift(); target; target = queue.shift()) {
        if (isOver()) {
          outcomes.set(target, 'not reached')
          continue
        }
        const counted = await runCount(worker, target, options.deadline === undefined ? undefined : options.deadline - clock())
        outcomes.set(target, counted ?? 'not reached')
        options.progress?.({kind: 'count', label: 'tables searched', done: outcomes.size, total: pending.length})
      }
    } catch (error) {
      // One failure ends the search: the other connections finish their table and take no more.
      queue.length = 0
      throw error
    } finally {
      running.delete(worker)
      await finish(worker, options.deadline !== undefined, options.settings ?? {})
    }
  }
  try {
    const concurrency = 'pool' in source ? Math.max(1, Math.min(options.concurrency ?? 1, pending.length)) : 1
    await Promise.all(Array.from({length: concurrency}, work))
  } finally {
    options.signal?.removeEventListener('abort', cancelRunning)
  }
  const result: SearchOutcome = {matches: [], searched: [], notReached: []}
  for (const target of pending) {
    const outcome = outcomes.get(target)
    if (outcome === undefined || outcome === 'not reached') {
      result.notReached.push(target.table.key)
      continue
    }
    result.searched.push({table: target.table.key, rows: outcome.rows})
    result.matches.push(...outcome.matches.filter(m => m.rows > 0))
  }
  return result

  async function runCount(worker: Worker, target: SearchTarget, remainingMs: number | undefined) {
    if (remainingMs !== undefined) await worker.client.query(`SELECT set_config('statement_timeout', $1, false)`, [`${Math.max(1, Math.ceil(remainingMs))}ms`])
    const query = countQuery(target, patterns)
    try {
      const {
        rows: [row],
      } = await worker.client.query<Record<string, string>>(query.sql, query.params)
      return {
        rows: Number(row!.read),
        matches: target.columns.map((column, i) => ({
          table: target.table.key,
          column: column.name,
          rows: Number(row![`m${i}`]),
          linkedRows: Number(row![`l${i}`] ?? 0),
        })),
      }
    } catch (error) {
      // Inside the caller's transaction a cancelled statement has aborted it: that must not pass for "not reached".
      if (NOT_REACHED.has((error as {code?: string}).code ?? '') && (worker.pooled || (await isUsable(worker.client)))) return undefined
      throw error
    }
  }
}

async function openWorker(source: SearchSource, settings: Record<string, string>): Promise<Worker> {
  const client = 'pool' in source ? await source.pool.connect() : source.client
  const pooled = 'pool' in source
  const release = pooled ? (error?: Error) => (client as pg.PoolClient).release(error) : () => {}
  try {
    if (pooled) for (const [name, value] of Object.entries(settings)) await client.query('SELECT set_config($1, $2, false)', [name, value])
    const {
      rows: [row],
    } = await client.query<{pid: number; timeout: string}>(`SELECT pg_backend_pid() AS pid, current_setting('statement_timeout') AS timeout`)
    return {client, pooled, release, pid: row!.pid, timeout: row!.timeout}
  } catch (error) {
    release()
    throw error
  }
}

/**
 * Puts back the statement timeout the connection had (the pool's, or the
 * caller's in its transaction) and hands a pool's connection back; one that
 * cannot be reset is closed rather than reused.
 */
async function finish(worker: Worker, timeoutChanged: boolean, settings: Record<string, string>): Promise<void> {
  let broken: Error | undefined
  const reset = [...(timeoutChanged ? [['statement_timeout', worker.timeout]] : []), ...(worker.pooled ? Object.keys(settings).map(name => [name, '']) : [])]
  for (const [name, value] of reset) {
    await worker.client.query('SELECT set_config($1, $2, false)', [name, value]).catch((error: Error) => {
      broken ??= error
    })
  }
  worker.release(broken)
  // A transaction the search's own error already aborted reports that error, not this one.
  if (broken && !worker.pooled && worker.client.getTransactionStatus() !== 'E') throw broken
}

/** Whether a client still takes statements: not when a failed statement aborted its transaction. */
async function isUsable(client: pg.ClientBase): Promise<boolean> {
  return client.query('SELECT 1').then(
    () => true,
    () => false,
  )
}

import type pg from 'pg'

import {Migration, runMigrations} from '../db/migrations.js'
import {inTransaction} from '../db/transaction.js'
import {usageError} from '../errors.js'
import type {LogLine} from './frames.js'

export const LOG_LINES = 'heroku_privacy.log_lines'
const PARTITION_PREFIX = 'log_lines_p'
const DAY_MS = 86_400_000
/** Serialises partition creation between receivers writing to one store. */
const PARTITION_LOCK = 0x68705f6c

/**
 * Log lines partitioned by the day they were received (the server's clock,
 * never the sender's), so expiry drops whole partitions. Frames remembers
 * each batch's Logplex-Frame-Id, so a retried batch is stored once.
 */
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'log store',
    sql: `
      CREATE TABLE ${LOG_LINES} (
        received_at timestamptz NOT NULL,
        logged_at timestamptz NOT NULL,
        drain_token text,
        frame_id text,
        priority smallint NOT NULL,
        host text NOT NULL,
        app text NOT NULL,
        proc text NOT NULL,
        message text NOT NULL
      ) PARTITION BY RANGE (received_at);
      CREATE TABLE heroku_privacy.log_frames (
        drain_token text NOT NULL,
        frame_id text NOT NULL,
        received_at timestamptz NOT NULL,
        lines integer NOT NULL,
        malformed integer NOT NULL,
        PRIMARY KEY (drain_token, frame_id)
      );
      CREATE INDEX log_frames_received ON heroku_privacy.log_frames (received_at);
    `,
  },
]

export function migrateLogStore(pool: pg.Pool, label: string): Promise<{applied: number[]}> {
  return runMigrations(pool, {
    component: 'logs',
    migrations: MIGRATIONS,
    label,
    remedy: 'The log store needs a role that can create a schema and tables in its database.',
  })
}

/** Whether a database has a log store at all (export and erase look before they read). */
export async function hasLogStore(pool: pg.Pool): Promise<boolean> {
  const {rows} = await pool.query<{present: boolean}>(`SELECT to_regclass('${LOG_LINES}') IS NOT NULL AS present`)
  return rows[0]?.present ?? false
}

const dayOf = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS)
const partitionName = (day: Date) => `${PARTITION_PREFIX}${day.toISOString().slice(0, 10).replaceAll('-', '')}`

/** Creates the partitions for the day of `at` and the next one (idempotent, safe between concurrent receivers). */
export async function ensurePartitions(pool: pg.Pool, at: Date): Promise<void> {
  await inTransaction(pool, {}, async client => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK])
    for (const day of [dayOf(at), new Date(dayOf(at).getTime() + DAY_MS)]) {
      const next = new Date(day.getTime() + DAY_MS)
      await client.query(
        `CREATE TABLE IF NOT EXISTS heroku_privacy.${partitionName(day)} PARTITION OF ${LOG_LINES} FOR VALUES FROM ('${day.toISOString()}') TO ('${next.toISOString()}')`,
      )
    }
  })
}

export interface StoredBatch {
  /** False when the same frame id was stored before (a retry): nothing was written. */
  stored: boolean
  lines: number
}

/**
 * Stores one batch in one statement: the frame id is claimed and the lines
 * inserted together, or neither (so a failure leaves nothing for a retry to
 * collide with, and a retry of a stored batch adds nothing).
 */
export async function storeBatch(
  pool: pg.Pool,
  batch: {receivedAt: Date; drainToken: string | null; frameId: string | null; lines: LogLine[]; malformed: number},
): Promise<StoredBatch> {
  const columns = {
    loggedAt: batch.lines.map(l => l.loggedAt),
    priority: batch.lines.map(l => l.priority),
    host: batch.lines.map(l => l.host),
    app: batch.lines.map(l => l.app),
    proc: batch.lines.map(l => l.proc),
    message: batch.lines.map(l => l.message),
  }
  const insertLines = `INSERT INTO ${LOG_LINES} (received_at, logged_at, drain_token, frame_id, priority, host, app, proc, message)
    SELECT $1, l.logged_at, NULLIF($2, ''), $3, l.priority, l.host, l.app, l.proc, l.message
    FROM unnest($4::timestamptz[], $5::smallint[], $6::text[], $7::text[], $8::text[], $9::text[]) AS l (logged_at, priority, host, app, proc, message)`
  const params = [
    batch.receivedAt,
    batch.drainToken ?? '',
    batch.frameId,
    columns.loggedAt,
    columns.priority,
    columns.host,
    columns.app,
    columns.proc,
    columns.message,
  ]
  if (batch.frameId === null) {
    const result = await pool.query(insertLines, params)
    return {stored: true, lines: result.rowCount ?? 0}
  }
  const {rows} = await pool.query<{claimed: number; lines: number}>(
    `
    WITH claim AS (
      INSERT INTO heroku_privacy.log_frames (drain_token, frame_id, received_at, lines, malformed)
      VALUES ($2, $3, $1, $10, $11) ON CONFLICT DO NOTHING RETURNING 1
    ), stored AS (
      ${insertLines} WHERE EXISTS (SELECT 1 FROM claim) RETURNING 1
    )
    SELECT (SELECT count(*) FROM claim)::int AS claimed, (SELECT count(*) FROM stored)::int AS lines`,
    [...params, batch.lines.length, batch.malformed],
  )
  return {stored: rows[0]!.claimed === 1, lines: rows[0]!.lines}
}

/** Whether an error means the day's partition is missing (someone dropped it, or the clock jumped). */
export function isMissingPartition(error: unknown): boolean {
  return (error as {code?: string}).code === '23514' && /no partition/i.test((error as Error).message)
}

export interface ExpiryResult {
  dropped: string[]
  frames: number
}

/** Drops every day partition that ended before `now - retentionMs`, and the frame ids of that time. */
export async function expireLogs(pool: pg.Pool, input: {now: Date; retentionMs: number; dryRun?: boolean}): Promise<ExpiryResult> {
  const cutoff = new Date(input.now.getTime() - input.retentionMs)
  const {rows} = await pool.query<{name: string}>(`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
    WHERE n.nspname = 'heroku_privacy' AND p.relname = 'log_lines' ORDER BY c.relname`)
  const expired = rows
    .map(r => r.name)
    .filter(name => {
      const day = parsePartitionDay(name)
      return day !== null && day.getTime() + DAY_MS <= cutoff.getTime()
    })
  if (input.dryRun) {
    const {rows: frames} = await pool.query<{count: number}>('SELECT count(*)::int AS count FROM heroku_privacy.log_frames WHERE received_at < $1', [cutoff])
    return {dropped: expired, frames: frames[0]!.count}
  }
  for (const name of expired) await pool.query(`DROP TABLE IF EXISTS heroku_privacy.${name}`)
  const frames = await pool.query('DELETE FROM heroku_privacy.log_frames WHERE received_at < $1', [cutoff])
  return {dropped: expired, frames: frames.rowCount ?? 0}
}

function parsePartitionDay(name: string): Date | null {
  const match = new RegExp(`^${PARTITION_PREFIX}(\\d{4})(\\d{2})(\\d{2})$`).exec(name)
  return match ? new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`) : null
}

const DURATION = /^(\d+)\s*(h|hours?|d|days?|w|weeks?)$/i
const UNIT_MS: Record<string, number> = {h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS}

/** `30d`, `48h`, `2w` or `30 days`, in milliseconds; at least a day, since partitions are daily. */
export function parseRetention(text: string): number {
  const match = DURATION.exec(text.trim())
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()[0]!]! : Number.NaN
  if (!(ms >= DAY_MS)) throw usageError(`--retention ${JSON.stringify(text)} is not a duration of a day or more; use e.g. 30d, 2w or 72h.`)
  return ms
}

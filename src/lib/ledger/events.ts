import type pg from 'pg'

import {PrivacyError, violation} from '../errors.js'
import {ChainedFields, GENESIS_HASH, hashEvent} from './canonical.js'
import {LedgerContext} from './context.js'
import {inTransaction} from '../db/transaction.js'

/** Serialises appends so seq numbers and the hash chain have no gaps or forks. */
const CHAIN_LOCK = 0x68705f63

export interface LedgerEvent extends ChainedFields {
  details: Record<string, unknown>
  hash: string
}

interface EventRow {
  seq: string
  at: Date
  scope: string
  actor: string
  action: string
  request_id: string | null
  details: Record<string, unknown>
  prev_hash: string
  hash: string
}

const fromRow = (row: EventRow): LedgerEvent => ({
  seq: Number(row.seq),
  at: row.at.toISOString(),
  scope: row.scope,
  actor: row.actor,
  action: row.action,
  requestId: row.request_id,
  details: row.details,
  prevHash: row.prev_hash,
  hash: row.hash,
})

export interface NewEvent {
  action: string
  requestId?: string | null
  details: Record<string, unknown>
}

/**
 * Appends one event to the chain. Pass `client` to make it part of a larger
 * transaction (an erasure and its record commit or roll back together).
 */
export async function appendEvent(ctx: LedgerContext, event: NewEvent, client?: pg.ClientBase): Promise<LedgerEvent> {
  if (!client) return inTransaction(ctx.pool, {}, c => appendEvent(ctx, event, c))
  await client.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK])
  const {rows} = await client.query<EventRow>('SELECT * FROM heroku_privacy.events ORDER BY seq DESC LIMIT 1')
  const last = rows[0]
  const now = ctx.clock()
  if (last && now.getTime() < last.at.getTime()) {
    throw new PrivacyError(
      `This machine's clock (${now.toISOString()}) is behind the ledger's last event (${last.at.toISOString()}); events must be in time order. Fix the clock and try again.`,
      {code: 'clock_behind_ledger'},
    )
  }
  const fields = {
    seq: last ? Number(last.seq) + 1 : 1,
    at: now.toISOString(),
    scope: ctx.scope,
    actor: ctx.actor,
    action: event.action,
    requestId: event.requestId ?? null,
    details: event.details,
    prevHash: last?.hash ?? GENESIS_HASH,
  }
  const hash = hashEvent(fields)
  await client.query(
    `INSERT INTO heroku_privacy.events (seq, at, scope, actor, action, request_id, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [fields.seq, fields.at, fields.scope, fields.actor, fields.action, fields.requestId, JSON.stringify(fields.details), fields.prevHash, hash],
  )
  return {...fields, hash}
}

export interface EventFilter {
  requestId?: string
  since?: Date
  scope?: string
  /** Only actions starting with this, e.g. `retention.` */
  actionPrefix?: string
  limit?: number
}

export async function listEvents(pool: pg.Pool, filter: EventFilter = {}): Promise<LedgerEvent[]> {
  const {rows} = await pool.query<EventRow>(
    `SELECT * FROM heroku_privacy.events
     WHERE ($1::text IS NULL OR request_id = $1) AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::text IS NULL OR scope = $3)
       AND ($5::text IS NULL OR starts_with(action, $5))
     ORDER BY seq LIMIT $4`,
    [filter.requestId ?? null, filter.since ?? null, filter.scope ?? null, filter.limit ?? 10_000, filter.actionPrefix ?? null],
  )
  return rows.map(row => fromRow(row))
}

export interface ChainVerdict {
  intact: boolean
  events: number
  lastHash: string
  firstBroken?: {seq: number; reason: string}
}

/** Recomputes the whole chain in keyset batches (bounded memory) and names the first broken link. */
export async function verifyChain(pool: pg.Pool, batchSize = 1000): Promise<ChainVerdict> {
  let expectedSeq = 1
  let prevHash = GENESIS_HASH
  let count = 0
  for (;;) {
    const {rows} = await pool.query<EventRow>('SELECT * FROM heroku_privacy.events WHERE seq >= $1 ORDER BY seq LIMIT $2', [expectedSeq, batchSize])
    for (const row of rows) {
      const event = fromRow(row)
      const broken = (reason: string): ChainVerdict => ({intact: false, events: count, lastHash: prevHash, firstBroken: {seq: event.seq, reason}})
      if (event.seq !== expectedSeq)
        return {intact: false, events: count, lastHash: prevHash, firstBroken: {seq: expectedSeq, reason: `event ${expectedSeq} is missing`}}
      if (event.prevHash !== prevHash) return broken('its prev_hash does not match the hash of the event before it')
      const {hash, ...fields} = event
      if (hashEvent(fields) !== hash) return broken('its content does not match its hash (the event was changed)')
      prevHash = hash
      expectedSeq++
      count++
    }
    if (rows.length < batchSize) return {intact: true, events: count, lastHash: prevHash}
  }
}

export function chainBrokenError(verdict: ChainVerdict): PrivacyError {
  return violation('ledger_broken', `The ledger's event chain is broken at event ${verdict.firstBroken!.seq}: ${verdict.firstBroken!.reason}.`, {
    details: verdict,
  })
}

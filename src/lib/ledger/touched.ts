import type pg from 'pg'
import QueryStream from 'pg-query-stream'

import {LedgerContext} from './context.js'
import {inTransaction} from '../db/transaction.js'
import {LedgerEvent, NewEvent, appendEvent} from './events.js'
import {DIGEST_RUN_LINES, newRowsDigestSql} from './stored-rows.js'

/**
 * The rows a command changed, kept in a temporary table of the session that
 * changed them rather than in client memory, until the ledger records them.
 * The table outlives the transaction (the ledger may be another database,
 * written after the commit), so `drop` must be called when done.
 */
export const TOUCHED = 'pg_temp.hp_touched'

export async function createTouched(client: pg.ClientBase): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${TOUCHED}`)
  await client.query('CREATE TEMPORARY TABLE hp_touched (table_name text NOT NULL, pk text NOT NULL)')
}

export async function dropTouched(client: pg.ClientBase): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${TOUCHED}`)
}

/** How many rows, and their digest (see stored-rows.ts), which the event carries. */
async function touchedDigest(client: pg.ClientBase): Promise<{count: number; digest: string}> {
  const {
    rows: [row],
  } = await client.query<{n: string; digest: string}>(
    newRowsDigestSql(`(SELECT DISTINCT (table_name || E'\\t' || pk || E'\\n') COLLATE "C" AS line FROM ${TOUCHED})`),
  )
  return {count: Number(row!.n), digest: row!.digest}
}

const BATCH = 5000

/**
 * Appends the event with the rows it touched. `source` holds the touched
 * table; when the ledger is in the same database, pass the same client as
 * `ledgerClient` and the rows are copied inside the caller's transaction;
 * otherwise they are streamed across in batches, in one ledger transaction.
 */
export async function appendEventWithTouched(ctx: LedgerContext, event: NewEvent, source: pg.ClientBase, ledgerClient?: pg.ClientBase): Promise<LedgerEvent> {
  const {count, digest} = await touchedDigest(source)
  const withRows = {...event, details: {...event.details, row_count: count, rows_digest: digest, rows_digest_run_lines: DIGEST_RUN_LINES}}
  if (ledgerClient === source) {
    const appended = await appendEvent(ctx, withRows, source)
    // Distinct and in the primary key's order: each row lands at the index's right edge, and nothing can conflict (the event is new).
    await source.query(`INSERT INTO heroku_privacy.event_rows (seq, table_name, pk) SELECT DISTINCT $1::bigint, table_name, pk FROM ${TOUCHED} ORDER BY 2, 3`, [
      appended.seq,
    ])
    return appended
  }
  return inTransaction(ctx.pool, {}, async ledger => {
    const appended = await appendEvent(ctx, withRows, ledger)
    const stream = source.query(new QueryStream(`SELECT DISTINCT table_name, pk FROM ${TOUCHED} ORDER BY 1, 2`, [], {batchSize: BATCH, rowMode: 'array'}))
    let batch: Array<[string, string]> = []
    const flush = async () => {
      if (batch.length === 0) return
      await ledger.query('INSERT INTO heroku_privacy.event_rows (seq, table_name, pk) SELECT $1, t, p FROM unnest($2::text[], $3::text[]) AS u(t, p)', [
        appended.seq,
        batch.map(r => r[0]),
        batch.map(r => r[1]),
      ])
      batch = []
    }
    for await (const row of stream) {
      batch.push(row as [string, string])
      if (batch.length >= BATCH) await flush()
    }
    await flush()
    return appended
  })
}

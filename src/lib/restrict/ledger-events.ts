import pg from 'pg'

import type {SnapshotRecord} from '../heroku/snapshots.js'
import {SqlParams} from '../db/params.js'
import {hmacSha256HexSql} from '../db/hmac-sql.js'
import type {LedgerContext} from '../ledger/context.js'
import {LedgerEvent, appendEvent} from '../ledger/events.js'
import {deriveRowKey} from '../ledger/row-keys.js'
import {TOUCHED, appendEventWithTouched, createTouched, dropTouched} from '../ledger/touched.js'
import {ActiveRestriction, RestrictSummary, pendingBypasses} from './registry.js'

/** The restriction's rows as the ledger names them: a personal key (an email used as key) only as a keyed hash. */
async function stageRegisteredRows(client: pg.ClientBase, restrictionId: string, personalKeys: string[], key: Buffer): Promise<void> {
  await createTouched(client)
  const params = new SqlParams([restrictionId, personalKeys])
  const hashed = `'hmac:' || ${hmacSha256HexSql("convert_to(pk, 'UTF8')", deriveRowKey(key), params.add)}`
  await client.query(
    `INSERT INTO ${TOUCHED} (table_name, pk)
    SELECT table_name, CASE WHEN table_name = ANY($2) THEN ${hashed} ELSE pk END FROM heroku_privacy.restricted_rows WHERE restriction_id = $1`,
    params.values,
  )
}

/**
 * Writes restrictions into the ledger with the primary keys they cover.
 * `ledgerClient` is the registry's own transaction when the ledger lives in
 * the same database, so both commit together.
 */
export async function recordRestrictions(
  ctx: LedgerContext,
  summary: RestrictSummary,
  input: {registry: pg.Pool | pg.ClientBase; key: Buffer; reason: string; requestId: string | null; enforce: boolean; ledgerClient?: pg.ClientBase},
): Promise<LedgerEvent | undefined> {
  const client = input.registry instanceof pg.Pool ? await input.registry.connect() : input.registry
  let last: LedgerEvent | undefined
  try {
    for (const restriction of summary.restrictions) {
      if (!restriction.created && restriction.rowsAdded === 0) continue
      await stageRegisteredRows(client, restriction.id, summary.personalKeys, input.key)
      last = await appendEventWithTouched(
        ctx,
        {
          action: restriction.created ? 'restriction.created' : 'restriction.extended',
          requestId: input.requestId,
          details: {
            restriction: restriction.id,
            reason: input.reason,
            subject_column: restriction.subjectColumn,
            subject_fingerprint: restriction.fingerprint,
            rows_added: restriction.rowsAdded,
            legal_hold: restriction.legalHold,
            snapshot: restriction.snapshot,
            enforced: input.enforce,
          },
        },
        client,
        input.ledgerClient,
      )
    }
  } finally {
    await dropTouched(client).catch(() => {})
    if (input.registry instanceof pg.Pool) (client as pg.PoolClient).release()
  }
  return last
}

export async function recordSnapshot(ctx: LedgerContext, snapshot: SnapshotRecord, requestId: string | null): Promise<LedgerEvent> {
  return appendEvent(ctx, {action: 'snapshot.created', requestId, details: {...snapshot, purpose: 'legal hold'}})
}

export async function recordLift(
  ctx: LedgerContext,
  lifted: ActiveRestriction[],
  input: {approvedBy: string; evidence: string; ledgerClient?: pg.ClientBase},
): Promise<LedgerEvent | undefined> {
  let last: LedgerEvent | undefined
  for (const restriction of lifted) {
    last = await appendEvent(
      ctx,
      {
        action: 'restriction.lifted',
        requestId: restriction.requestId,
        details: {
          restriction: restriction.id,
          approved_by: input.approvedBy,
          evidence: input.evidence,
          legal_hold_released: restriction.legalHold,
          snapshot: restriction.snapshot,
        },
      },
      input.ledgerClient,
    )
  }
  return last
}

/** Copies bypasses logged by the enforcement triggers into the ledger, once each; returns how many, and the last event. */
export async function recordBypasses(ctx: LedgerContext, registry: pg.Pool): Promise<{count: number; last: LedgerEvent | undefined}> {
  const {bypasses, markRecorded} = await pendingBypasses(registry)
  let last: LedgerEvent | undefined
  for (const bypass of bypasses) {
    last = await appendEvent(ctx, {
      action: 'restriction.bypassed',
      details: {table: bypass.table, pk: bypass.pk, operation: bypass.operation, reason: bypass.reason, db_user: bypass.dbUser, at: bypass.at},
    })
  }
  await markRecorded()
  return {count: bypasses.length, last}
}

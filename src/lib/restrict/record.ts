import type pg from 'pg'

import type {SnapshotRecord} from '../heroku/snapshots.js'
import type {LedgerContext} from '../ledger/context.js'
import {LedgerEvent, TouchedRow, appendEvent, appendEventWithRows} from '../ledger/events.js'
import {ActiveRestriction, RestrictSummary, pendingBypasses} from './restrict.js'

async function registeredRows(db: pg.Pool | pg.ClientBase, restrictionId: string): Promise<TouchedRow[]> {
  const {rows} = await db.query<{table_name: string; pk: string}>('SELECT table_name, pk FROM heroku_privacy.restricted_rows WHERE restriction_id = $1', [restrictionId])
  return rows.map(r => ({table: r.table_name, pk: r.pk}))
}

/**
 * Writes restrictions into the ledger with the primary keys they cover.
 * `ledgerClient` is the registry's own transaction when the ledger lives in
 * the same database, so both commit together.
 */
export async function recordRestrictions(ctx: LedgerContext, summary: RestrictSummary, input: {registry: pg.Pool | pg.ClientBase; reason: string; requestId: string | null; enforce: boolean; ledgerClient?: pg.ClientBase}): Promise<LedgerEvent | undefined> {
  let last: LedgerEvent | undefined
  for (const restriction of summary.restrictions) {
    if (!restriction.created && restriction.rowsAdded === 0) continue
    last = await appendEventWithRows(ctx, {
      action: restriction.created ? 'restriction.created' : 'restriction.extended',
      requestId: input.requestId,
      details: {
        restriction: restriction.id, reason: input.reason, subject_column: restriction.subjectColumn, subject_fingerprint: restriction.fingerprint,
        rows_added: restriction.rowsAdded, legal_hold: restriction.legalHold, snapshot: restriction.snapshot, enforced: input.enforce,
      },
    }, await registeredRows(input.registry, restriction.id), input.ledgerClient)
  }
  return last
}

export async function recordSnapshot(ctx: LedgerContext, snapshot: SnapshotRecord, requestId: string | null): Promise<LedgerEvent> {
  return appendEvent(ctx, {action: 'snapshot.created', requestId, details: {...snapshot, purpose: 'legal hold'}})
}

export async function recordLift(ctx: LedgerContext, lifted: ActiveRestriction[], input: {approvedBy: string; evidence: string; ledgerClient?: pg.ClientBase}): Promise<LedgerEvent | undefined> {
  let last: LedgerEvent | undefined
  for (const restriction of lifted) {
    last = await appendEvent(ctx, {
      action: 'restriction.lifted',
      requestId: restriction.requestId,
      details: {restriction: restriction.id, approved_by: input.approvedBy, evidence: input.evidence, legal_hold_released: restriction.legalHold, snapshot: restriction.snapshot},
    }, input.ledgerClient)
  }
  return last
}

/** Copies bypasses logged by the enforcement triggers into the ledger, once each; returns how many, and the last event. */
export async function recordBypasses(ctx: LedgerContext, registry: pg.Pool): Promise<{count: number; last: LedgerEvent | undefined}> {
  const {bypasses, markRecorded} = await pendingBypasses(registry)
  let last: LedgerEvent | undefined
  for (const bypass of bypasses) {
    last = await appendEvent(ctx, {action: 'restriction.bypassed', details: {table: bypass.table, pk: bypass.pk, operation: bypass.operation, reason: bypass.reason, db_user: bypass.dbUser, at: bypass.at}})
  }
  await markRecorded()
  return {count: bypasses.length, last}
}

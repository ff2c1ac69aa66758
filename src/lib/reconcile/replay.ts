import type pg from 'pg'

import {DataMap, subjectKinds} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'
import {SqlParams} from '../db/params.js'
import {primaryKeyText, quoteIdent, quoteTable} from '../db/sql.js'
import {runSteps} from '../erase/erase.js'
import type {ErasurePlan} from '../erase/plan.js'
import {planErasure} from '../erase/planner.js'
import {deriveHashKey} from '../erase/strategies.js'
import {LedgerContext} from '../ledger/context.js'
import {inTransaction} from '../db/transaction.js'
import {LedgerEvent, appendEvent, chainBrokenError, listEvents, verifyChain} from '../ledger/events.js'
import {LedgerHead, formatHead} from '../ledger/head.js'
import {fingerprint} from '../ledger/fingerprint.js'
import {deriveRowKey, recordedKeySql} from '../ledger/row-keys.js'
import {createTouched, dropTouched} from '../ledger/touched.js'
import {installEnforcement, installViews} from '../restrict/install.js'
import {migrateRegistry} from '../restrict/migrate.js'
import {hasRegistry} from '../restrict/registry-sql.js'
import {planSubjectGraph} from '../subject/graph.js'
import {chooseSubjectRows} from '../subject/keyset.js'
import {loadRecordedRows, recordedSelection} from './recorded.js'

const REPLAYED = ['erasure.executed', 'retention.batch', 'restriction.created', 'restriction.extended', 'restriction.lifted']

export interface ReplayInput {
  /** The copy being reconciled (a fork, a restored or rolled-back database). */
  target: pg.Pool
  targetLabel: string
  map: DataMap
  schema: SchemaInfo
  ledger: LedgerContext
  key: Buffer
  since: Date
  dryRun: boolean
}

export interface ReplayReport {
  target: string
  since: string
  dryRun: boolean
  applied: Array<{seq: number; action: string; requestId: string | null; rows: number}>
  alreadyReconciled: number[]
  /** Events not applied because a recorded primary key now holds someone else. */
  mismatches: Array<{seq: number; table: string; pk: string}>
  warnings: string[]
  reconciliationEvent: number | null
  /** The ledger's head after the reconciliation event (null on a dry run). */
  ledgerHead: LedgerHead | null
}

/**
 * The recorded root rows must still belong to the people recorded: their
 * lookup values, fingerprinted with the app's key, must match the event's.
 * Rows that are gone are fine (already erased); anything else is a mismatch,
 * named by its recorded key (never a personal value).
 */
async function fingerprintMismatches(client: pg.ClientBase, input: ReplayInput, event: LedgerEvent): Promise<Array<{table: string; pk: string}>> {
  const subjects =
    (event.details.subjects as Array<{kind?: string; lookup_column: string; fingerprint: string}> | undefined) ??
    (event.details.subject_fingerprint
      ? [{lookup_column: event.details.subject_column as string, fingerprint: event.details.subject_fingerprint as string}]
      : [])
  if (subjects.length === 0) return []
  const mismatches: Array<{table: string; pk: string}> = []
  const rowKey = deriveRowKey(input.key)
  for (const kind of subjectKinds(input.map)) {
    // Events written before kinds existed name no kind: their people are of the map's only (or first) kind.
    const own = subjects.filter(s => (s.kind ?? subjectKinds(input.map)[0]!.name) === kind.name)
    if (own.length === 0) continue
    const root = input.schema.tables.get(kind.table)!
    const wanted = new Set(own.map(s => s.fingerprint))
    const columns = [...new Set(own.map(s => s.lookup_column))]
    const params = new SqlParams()
    const recorded = recordedKeySql(root, input.map, 't', rowKey, params.add)
    const {rows: found} = await client.query(
      `SELECT ${recorded} AS pk, ${columns.map((c, i) => `t.${quoteIdent(c)}::text AS c${i}`).join(', ')} FROM ${quoteTable(root)} t
       WHERE ${recordedSelection(input.map, rowKey).condition(root, 't', params.add)}`,
      params.values,
    )
    for (const row of found) {
      if (!columns.some((column, i) => row[`c${i}`] !== null && wanted.has(fingerprint(input.key, column, row[`c${i}`]))))
        mismatches.push({table: kind.table, pk: row.pk as string})
    }
  }
  return mismatches
}

/** Restricted rows by their registry key, from the recorded names (a keyed hash is matched against the copy's rows). */
async function registerRecordedRows(client: pg.ClientBase, input: ReplayInput, restriction: string): Promise<number> {
  let count = 0
  const rowKey = deriveRowKey(input.key)
  for (const table of input.schema.tables.values()) {
    if (table.primaryKey.length === 0 || !input.map.tables[table.key]) continue
    const params = new SqlParams([restriction, table.key])
    const result = await client.query(
      `INSERT INTO heroku_privacy.restricted_rows (restriction_id, table_name, pk)
       SELECT $1, $2, ${primaryKeyText(table, 't')} FROM ${quoteTable(table)} t
       WHERE ${recordedSelection(input.map, rowKey).condition(table, 't', params.add)}
       ON CONFLICT DO NOTHING`,
      params.values,
    )
    count += result.rowCount ?? 0
  }
  return count
}

/**
 * Re-applies to a copy of the database every erasure, retention batch and
 * restriction recorded after the copy's point in time, from the recorded
 * primary keys, in one transaction. A key that now holds someone else is
 * reported and that event skipped. Idempotent: events already reconciled
 * for this copy are skipped, and deleting a row that is gone changes nothing.
 */
export async function replayLedger(input: ReplayInput): Promise<ReplayReport> {
  const verdict = await verifyChain(input.ledger.pool)
  if (!verdict.intact) throw chainBrokenError(verdict)
  const all = await listEvents(input.ledger.pool, {scope: input.ledger.scope, limit: 1_000_000})
  const report: ReplayReport = {
    target: input.targetLabel,
    since: input.since.toISOString(),
    dryRun: input.dryRun,
    applied: [],
    alreadyReconciled: [],
    mismatches: [],
    warnings: [],
    reconciliationEvent: null,
    ledgerHead: null,
  }
  if (all.length > 0 && new Date(all[0]!.at) > input.since) {
    report.warnings.push(
      `The ledger starts at ${all[0]!.at}, after this copy's data (${input.since.toISOString()}): anything done before the ledger existed is not known to it.`,
    )
  }
  const reconciled = new Set(
    all.filter(e => e.action === 'reconciliation' && e.details.target === input.targetLabel).flatMap(e => e.details.applied as number[]),
  )
  const pending = all.filter(e => REPLAYED.includes(e.action) && new Date(e.at) > input.since)
  report.alreadyReconciled = pending.filter(e => reconciled.has(e.seq)).map(e => e.seq)
  const todo = pending.filter(e => !reconciled.has(e.seq))
  if (todo.some(e => e.action.startsWith('restriction.'))) await migrateRegistry(input.target, input.targetLabel)

  const graph = planSubjectGraph(input.map, input.schema)
  const hashKey = deriveHashKey(input.key)
  const rowKey = deriveRowKey(input.key)
  await inTransaction(input.target, {stableText: true}, async client => {
    await client.query(`SELECT set_config('heroku_privacy.bypass', 'reapply of recorded erasures', true)`)
    const registryExists = await hasRegistry(client)
    let enforced = false
    for (const event of todo) {
      const recorded = await loadRecordedRows(input.ledger.pool, client, event.seq)
      if (event.action === 'restriction.lifted') {
        await client.query('UPDATE heroku_privacy.restrictions SET lifted_at = $2, approved_by = $3, evidence = $4 WHERE id = $1 AND lifted_at IS NULL', [
          event.details.restriction,
          event.at,
          event.details.approved_by,
          event.details.evidence,
        ])
        report.applied.push({seq: event.seq, action: event.action, requestId: event.requestId, rows: 0})
        continue
      }
      const mismatched = await fingerprintMismatches(client, input, event)
      if (mismatched.length > 0) {
        report.mismatches.push(...mismatched.map(m => ({seq: event.seq, ...m})))
        continue
      }
      let count = 0
      if (event.action.startsWith('restriction.')) {
        const d = event.details
        await client.query(
          `INSERT INTO heroku_privacy.restrictions (id, scope, subject_column, subject_fingerprint, reason, request_id, legal_hold, snapshot, created_at, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
          [
            d.restriction,
            input.ledger.scope,
            d.subject_column,
            d.subject_fingerprint,
            d.reason,
            event.requestId,
            d.legal_hold === true,
            d.snapshot ? JSON.stringify(d.snapshot) : null,
            event.at,
            event.actor,
          ],
        )
        count = await registerRecordedRows(client, input, d.restriction as string)
        enforced ||= d.enforced === true
      } else {
        const rows = await chooseSubjectRows(client, graph, input.schema, {
          mode: 'temporary',
          recorded: recordedSelection(input.map, rowKey),
          name: `e${event.seq}_`,
        })
        const plan = await planErasure({
          client,
          map: input.map,
          schema: input.schema,
          rows,
          hashKey,
          rowKey,
          includeConnect: true,
          exceptHeld: true,
          unlinkRestrictedShared: event.details.unlink_restricted_shared === true,
          hasRegistry: registryExists,
          only: new Set(recorded.keys()),
        })
        const touched = input.dryRun ? Object.fromEntries(plan.steps.map(s => [s.table, s.rows])) : await runStepsUnrecorded(client, plan)
        count = plan.steps.filter(s => s.own).reduce((sum, s) => sum + (touched[s.table] ?? 0), 0)
      }
      report.applied.push({seq: event.seq, action: event.action, requestId: event.requestId, rows: count})
    }
    if (todo.some(e => e.action.startsWith('restriction.'))) {
      const tables = graph.tables.filter(t => t.table.primaryKey.length > 0).map(t => t.table)
      await installViews(client, tables)
      if (enforced) await installEnforcement(client, tables)
    }
    if (input.dryRun) throw new DryRunRollback()
  }).catch(error => {
    if (!(error instanceof DryRunRollback)) throw error
  })
  if (!input.dryRun) {
    const event = await appendEvent(input.ledger, {
      action: 'reconciliation',
      details: {target: input.targetLabel, since: report.since, applied: report.applied.map(a => a.seq), mismatches: report.mismatches},
    })
    report.reconciliationEvent = event.seq
    report.ledgerHead = formatHead(event)
  }
  return report
}

class DryRunRollback extends Error {}

/** Replay keeps no record of its own rows: the reconciliation event names the events it applied. */
async function runStepsUnrecorded(client: pg.ClientBase, plan: ErasurePlan): Promise<Record<string, number>> {
  await createTouched(client)
  try {
    return (await runSteps(client, plan)).touched
  } finally {
    await dropTouched(client)
  }
}

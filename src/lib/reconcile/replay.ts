import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import {planErasure} from '../erase/planner.js'
import {deriveHashKey} from '../erase/strategies.js'
import {runSteps} from '../erase/erase.js'
import {LedgerContext, inTransaction} from '../ledger/context.js'
import {LedgerEvent, appendEvent, chainBrokenError, listEvents, verifyChain} from '../ledger/events.js'
import {LedgerHead, formatHead} from '../ledger/head.js'
import {fingerprint} from '../ledger/fingerprint.js'
import {installEnforcement, installViews} from '../restrict/install.js'
import {migrateRegistry} from '../restrict/migrate.js'
import {primaryKeyText} from '../restrict/registry-sql.js'
import {planSubjectGraph} from '../subject/graph.js'

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

async function recordedRows(ledger: pg.Pool, seq: number): Promise<Map<string, string[]>> {
  const {rows} = await ledger.query<{table_name: string; pk: string}>('SELECT table_name, pk FROM heroku_privacy.event_rows WHERE seq = $1', [seq])
  const byTable = new Map<string, string[]>()
  for (const row of rows) byTable.set(row.table_name, [...(byTable.get(row.table_name) ?? []), row.pk])
  return byTable
}

/**
 * The recorded root rows must still belong to the people recorded: their
 * lookup values, fingerprinted with the app's key, must match the event's.
 * Rows that are gone are fine (already erased); anything else is a mismatch.
 */
async function fingerprintMismatches(client: pg.ClientBase, input: ReplayInput, event: LedgerEvent, rows: Map<string, string[]>): Promise<string[]> {
  const subjects = (event.details.subjects as Array<{lookup_column: string; fingerprint: string}> | undefined)
    ?? (event.details.subject_fingerprint ? [{lookup_column: event.details.subject_column as string, fingerprint: event.details.subject_fingerprint as string}] : [])
  const rootKeys = rows.get(input.map.subject.table) ?? []
  if (subjects.length === 0 || rootKeys.length === 0) return []
  const root = input.schema.tables.get(input.map.subject.table)!
  const wanted = new Set(subjects.map(s => s.fingerprint))
  const columns = [...new Set(subjects.map(s => s.lookup_column))]
  const {rows: found} = await client.query(
    `SELECT ${primaryKeyText(root, 't')} AS pk, ${columns.map((c, i) => `t.${quoteIdent(c)}::text AS c${i}`).join(', ')} FROM ${quoteTable(root)} t WHERE ${primaryKeyText(root, 't')} = ANY($1)`,
    [rootKeys],
  )
  return found.filter(row => !columns.some((column, i) => row[`c${i}`] !== null && wanted.has(fingerprint(input.key, column, row[`c${i}`])))).map(row => row.pk as string)
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
  const report: ReplayReport = {target: input.targetLabel, since: input.since.toISOString(), dryRun: input.dryRun, applied: [], alreadyReconciled: [], mismatches: [], warnings: [], reconciliationEvent: null, ledgerHead: null}
  if (all.length > 0 && new Date(all[0]!.at) > input.since) {
    report.warnings.push(`The ledger starts at ${all[0]!.at}, after this copy's data (${input.since.toISOString()}): anything done before the ledger existed is not known to it.`)
  }
  const reconciled = new Set(all.filter(e => e.action === 'reconciliation' && e.details.target === input.targetLabel).flatMap(e => e.details.applied as number[]))
  const pending = all.filter(e => REPLAYED.includes(e.action) && new Date(e.at) > input.since)
  report.alreadyReconciled = pending.filter(e => reconciled.has(e.seq)).map(e => e.seq)
  const todo = pending.filter(e => !reconciled.has(e.seq))
  if (todo.some(e => e.action.startsWith('restriction.'))) await migrateRegistry(input.target, input.targetLabel)

  const graph = planSubjectGraph(input.map, input.schema)
  const hashKey = deriveHashKey(input.key)
  await inTransaction(input.target, async client => {
    await client.query(`SELECT set_config('heroku_privacy.bypass', 'reapply of recorded erasures', true)`)
    const {rows: [registry]} = await client.query<{exists: boolean}>("SELECT to_regclass('heroku_privacy.restricted_rows') IS NOT NULL AS exists")
    let enforced = false
    for (const event of todo) {
      const rows = await recordedRows(input.ledger.pool, event.seq)
      if (event.action === 'restriction.lifted') {
        await client.query('UPDATE heroku_privacy.restrictions SET lifted_at = $2, approved_by = $3, evidence = $4 WHERE id = $1 AND lifted_at IS NULL', [event.details.restriction, event.at, event.details.approved_by, event.details.evidence])
        report.applied.push({seq: event.seq, action: event.action, requestId: event.requestId, rows: 0})
        continue
      }
      const mismatched = await fingerprintMismatches(client, input, event, rows)
      if (mismatched.length > 0) {
        report.mismatches.push(...mismatched.map(pk => ({seq: event.seq, table: input.map.subject.table, pk})))
        continue
      }
      let count = 0
      if (event.action.startsWith('restriction.')) {
        const d = event.details
        await client.query(
          `INSERT INTO heroku_privacy.restrictions (id, scope, subject_column, subject_fingerprint, reason, request_id, legal_hold, snapshot, created_at, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
          [d.restriction, input.ledger.scope, d.subject_column, d.subject_fingerprint, d.reason, event.requestId, d.legal_hold === true, d.snapshot ? JSON.stringify(d.snapshot) : null, event.at, event.actor],
        )
        for (const [table, keys] of rows) {
          const result = await client.query('INSERT INTO heroku_privacy.restricted_rows (restriction_id, table_name, pk) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING', [d.restriction, table, keys])
          count += result.rowCount ?? 0
        }
        enforced ||= d.enforced === true
      } else {
        const plan = await planErasure({
          client, map: input.map, schema: input.schema, plan: graph, values: new Map(), rootKeys: [], hashKey,
          includeConnect: true, exceptHeld: true, hasRegistry: registry!.exists, recordedKeys: rows,
        })
        if (!input.dryRun) count = (await runSteps(client, plan)).rows.length
        else count = plan.steps.reduce((sum, step) => sum + step.rows, 0)
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

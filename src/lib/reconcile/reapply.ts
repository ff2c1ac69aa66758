import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import {PrivacyError, usageError, violation} from '../errors.js'
import type {LedgerContext} from '../ledger/context.js'
import {ledgerKey} from '../ledger/fingerprint.js'
import {plural} from '../ui/words.js'
import type {PointInTime} from './point-in-time.js'
import {ReplayReport, replayLedger} from './replay.js'

export interface ReapplyInput {
  /** The copy being reconciled (a fork, a restored or rolled-back database). */
  target: pg.Pool
  targetLabel: string
  mapFile: string
  ledger: LedgerContext
  /** Where the ledger is, to name it in messages. */
  ledgerLabel: string
  /** The copy has a name of its own (restored outside Heroku): the erasures were recorded under the primary's, the ledger's only scope. */
  scopeFromLedger?: boolean
  since: PointInTime
  dryRun: boolean
}

/**
 * `privacy:reapply`: re-applies to a copy every erasure, retention batch and
 * restriction the ledger recorded after the copy's point in time, and records
 * the reconciliation (see replayLedger). Rows that now belong to someone else
 * are not applied: the report names them, and `assertNoMismatches` turns them
 * into the error to exit with once the report is shown.
 */
export async function reapplyToCopy(input: ReapplyInput): Promise<ReplayReport> {
  const ledger = input.scopeFromLedger ? {...input.ledger, scope: await onlyScope(input.ledger.pool, input.ledgerLabel)} : input.ledger
  const {loaded, schema} = await loadMapForDatabase(input.mapFile, input.target)
  return replayLedger({
    target: input.target,
    targetLabel: input.targetLabel,
    map: loaded.map,
    schema,
    ledger,
    key: await ledgerKey(ledger.pool, ledger.scope),
    since: input.since.at,
    dryRun: input.dryRun,
  })
}

export function assertNoMismatches(report: ReplayReport): void {
  if (report.mismatches.length === 0) return
  throw violation(
    'fingerprint_mismatch',
    `${plural(report.mismatches.length, 'recorded row')} now belong to someone else in ${report.target}; those events were not applied.`,
    {result: report},
  )
}

/** The one app or database a ledger records; a ledger shared by several cannot say which the copy came from. */
async function onlyScope(pool: pg.Pool, label: string): Promise<string> {
  const {rows} = await pool.query<{scope: string}>('SELECT DISTINCT scope FROM heroku_privacy.events ORDER BY scope')
  if (rows.length === 1) return rows[0]!.scope
  if (rows.length === 0) throw new PrivacyError(`The ledger in ${label} records nothing yet; there is nothing to re-apply.`, {code: 'ledger_empty'})
  throw usageError(
    `The ledger in ${label} records several apps and databases (${rows.map(r => r.scope).join(', ')}); name the app the copy came from with --app.`,
  )
}

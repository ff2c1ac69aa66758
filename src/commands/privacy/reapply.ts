import {Flags} from '@oclif/core'
import type pg from 'pg'

import {PrivacyCommand} from '../../cli/base-command.js'
import {databaseFlags, mapFlag} from '../../cli/flags.js'
import {confirmFlags, confirmationName, requireConfirmation} from '../../cli/confirm.js'
import {ledgerFlags} from '../../cli/ledger.js'
import {ResolvedTarget, urlTarget} from '../../cli/target.js'
import {loadMapForDatabase} from '../../lib/datamap/for-database.js'
import type {DatabaseTarget} from '../../lib/db/connection.js'
import {PrivacyError, usageError, violation} from '../../lib/errors.js'
import {resolveDatabase, targetOf} from '../../lib/heroku/resolve-database.js'
import {ledgerKey} from '../../lib/ledger/fingerprint.js'
import {PointInTime, targetPointInTime} from '../../lib/reconcile/point-in-time.js'
import {ReplayReport, replayLedger} from '../../lib/reconcile/replay.js'
import {plural} from '../../lib/ui/words.js'

export default class Reapply extends PrivacyCommand {
  static description = `re-apply recorded erasures and restrictions to a fork, a restored or a rolled-back database

A backup restored, a fork or a rollback brings back people who were erased since. This reads the ledger (kept with --ledger-url, or in the primary database), finds when the target's data is from (the backup a restore came from, or the fork's creation, from the Data API; or --since), and re-applies every erasure, retention batch and restriction recorded after it, from the recorded primary keys, in one transaction. Before changing a row it checks that the row still belongs to the recorded person (the keyed fingerprint of the lookup column); a row that now holds someone else is reported and never erased. Running it again changes nothing.

For a copy restored outside Heroku, name it with --database-url and say when its data is from with --since; the ledger is the one the erasures were recorded in: --ledger-url, or the app database of --app.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --database HEROKU_POSTGRESQL_GOLD --dry-run',
    '<%= config.bin %> <%= command.id %> -a example-app --database HEROKU_POSTGRESQL_GOLD --confirm example-app',
    '<%= config.bin %> <%= command.id %> -a example-app --database HEROKU_POSTGRESQL_GOLD --since 2026-11-20T02:00:00Z --confirm example-app',
    '<%= config.bin %> <%= command.id %> --database-url postgres://…/restored --ledger-url postgres://…/ledger --since 2026-11-20T02:00:00Z --confirm restored',
  ]

  static flags = {
    ...databaseFlags,
    database: Flags.string({description: 'the copy to reconcile: a fork, a restored or rolled-back database (attachment name)'}),
    'database-url': Flags.string({description: 'the copy to reconcile, when it was restored outside Heroku (needs --since)', helpValue: 'postgres://…'}),
    ...ledgerFlags,
    ...confirmFlags,
    map: mapFlag,
    since: Flags.string({description: "the moment the copy's data is from, when Heroku cannot tell (ISO 8601)", helpValue: 'TIME'}),
  }

  async run(): Promise<ReplayReport | {nothingToDo: string}> {
    const {flags} = await this.parse(Reapply)
    const given = flags.since === undefined ? undefined : new Date(flags.since)
    if (given && Number.isNaN(given.getTime())) throw usageError(`--since must be a time such as 2026-11-20T02:00:00Z (got ${flags.since}).`)
    let target: DatabaseTarget
    let primary: ResolvedTarget | undefined
    let since: PointInTime | undefined = given ? {kind: 'given', at: given, source: '--since'} : undefined
    if (flags['database-url']) {
      if (flags.database) throw usageError('--database names a Heroku attachment and cannot be combined with --database-url; use one of them.')
      if (!since) throw usageError('Heroku cannot tell when a copy restored outside it is from: pass --since with the time of the backup it came from.')
      if (!flags['ledger-url'] && !flags.app)
        throw usageError('Name the ledger the erasures were recorded in: --ledger-url, or --app for the ledger in the app database.')
      target = urlTarget(flags['database-url'])
      if (flags.app && !flags['ledger-url']) primary = await this.resolveTarget({app: flags.app, database: flags['ledger-database']})
    } else {
      if (!flags.app || !flags.database)
        throw usageError('Name the copy to reconcile: -a APP --database ATTACHMENT, or --database-url for a copy restored outside Heroku.')
      const api = this.herokuApi()
      const leader = await resolveDatabase(api, {app: flags.app})
      const copy = await resolveDatabase(api, {app: flags.app, database: flags.database})
      since ??= await targetPointInTime(api, copy, leader)
      if (since.kind === 'primary') {
        this.log(`${copy.label} is the primary database: its erasures and restrictions are already in place; nothing to reapply.`)
        return {nothingToDo: 'target is the primary database'}
      }
      target = targetOf(copy)
      primary = {target: targetOf(leader), heroku: {api, database: leader}}
    }
    const ledger = await this.openLedger(flags, primary)
    const db = await this.connect(target)
    try {
      // A copy restored outside Heroku has a name of its own; the erasures were recorded under the primary's.
      if (flags['database-url'] && !flags.app) ledger.ctx.scope = await onlyScope(ledger.ctx.pool, ledger.label)
      if (!flags['dry-run']) await requireConfirmation(flags.confirm, confirmationName(flags.app, target.url), `Re-applying erasures to ${target.label}`)
      const {loaded, schema} = await loadMapForDatabase(flags.map, db.pool)
      const report = await replayLedger({
        target: db.pool,
        targetLabel: target.label,
        map: loaded.map,
        schema,
        ledger: ledger.ctx,
        key: await ledgerKey(ledger.ctx.pool, ledger.ctx.scope),
        since: since.at,
        dryRun: flags['dry-run'] === true,
      })
      this.log(`${target.label} holds data from ${since.at.toISOString()} (${since.source}).`)
      for (const warning of report.warnings) this.warn(warning)
      for (const a of report.applied)
        this.log(`${flags['dry-run'] ? 'Would re-apply' : 'Re-applied'} event ${a.seq} ${a.action}${a.requestId ? ` (${a.requestId})` : ''}: ${a.rows} rows`)
      if (report.alreadyReconciled.length > 0) this.log(`Already reconciled before: events ${report.alreadyReconciled.join(', ')}.`)
      for (const m of report.mismatches)
        this.log(`NOT applied: event ${m.seq} — ${m.table} row ${m.pk} now belongs to someone else (fingerprint mismatch); check it by hand.`)
      if (report.applied.length === 0 && report.mismatches.length === 0) this.log('Nothing to re-apply.')
      this.logLedgerHead(report.ledgerHead)
      if (report.mismatches.length > 0) {
        throw violation(
          'fingerprint_mismatch',
          `${plural(report.mismatches.length, 'recorded row')} now belong to someone else in ${target.label}; those events were not applied.`,
          {result: report},
        )
      }
      return report
    } finally {
      await db.close()
      await ledger.close()
    }
  }
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

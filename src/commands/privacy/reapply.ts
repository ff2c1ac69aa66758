import {Flags} from '@oclif/core'

import {flags as herokuFlags} from '@heroku-cli/command'

import {PrivacyCommand} from '../../cli/base-command.js'
import {mapFlag} from '../../cli/flags.js'
import {confirmFlags, requireConfirmation} from '../../cli/confirm.js'
import {ledgerFlags} from '../../cli/ledger.js'
import {loadMapForDatabase} from '../../lib/datamap/for-database.js'
import {openDatabase} from '../../lib/db/connection.js'
import {ExitCode, PrivacyError} from '../../lib/errors.js'
import {resolveDatabase} from '../../lib/heroku/resolve-database.js'
import {ledgerKey} from '../../lib/ledger/fingerprint.js'
import {PointInTime, targetPointInTime} from '../../lib/reconcile/point-in-time.js'
import {ReplayReport, replayLedger} from '../../lib/reconcile/replay.js'
import {passwordOfUrl} from '../../lib/redact.js'

export default class Reapply extends PrivacyCommand {
  static description = `re-apply recorded erasures and restrictions to a fork, a restored or a rolled-back database

A backup restored, a fork or a rollback brings back people who were erased since. This reads the ledger (kept with --ledger-url, or in the primary database), finds when the target's data is from (the backup a restore came from, or the fork's creation, from the Data API; or --since), and re-applies every erasure, retention batch and restriction recorded after it, from the recorded primary keys, in one transaction. Before changing a row it checks that the row still belongs to the recorded person (the keyed fingerprint of the lookup column); a row that now holds someone else is reported and never erased. Running it again changes nothing.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --database HEROKU_POSTGRESQL_GOLD --dry-run',
    '<%= config.bin %> <%= command.id %> -a example-app --database HEROKU_POSTGRESQL_GOLD --confirm example-app',
    '<%= config.bin %> <%= command.id %> -a example-app --database HEROKU_POSTGRESQL_GOLD --since 2026-11-20T02:00:00Z --confirm example-app',
  ]

  static flags = {
    app: herokuFlags.app({required: true}),
    remote: herokuFlags.remote(),
    database: Flags.string({description: 'the copy to reconcile: a fork, a restored or rolled-back database (attachment name)', required: true}),
    ...ledgerFlags,
    ...confirmFlags,
    map: mapFlag,
    since: Flags.string({description: 'the moment the copy\'s data is from, when Heroku cannot tell (ISO 8601)', helpValue: 'TIME'}),
  }

  async run(): Promise<ReplayReport | {nothingToDo: string}> {
    const {flags} = await this.parse(Reapply)
    const api = this.herokuApi()
    const leader = await resolveDatabase(api, {app: flags.app})
    const target = await resolveDatabase(api, {app: flags.app, database: flags.database})
    this.rememberSecret(passwordOfUrl(leader.url))
    this.rememberSecret(passwordOfUrl(target.url))
    let since: PointInTime
    if (flags.since) {
      const at = new Date(flags.since)
      if (Number.isNaN(at.getTime())) throw new PrivacyError(`--since must be a time such as 2026-11-20T02:00:00Z (got ${flags.since}).`, {code: 'usage', exitCode: ExitCode.usage})
      since = {kind: 'given', at, source: '--since'}
    } else {
      since = await targetPointInTime(api, target, leader)
    }
    if (since.kind === 'primary') {
      this.log(`${target.label} is the primary database: its erasures and restrictions are already in place; nothing to reapply.`)
      return {nothingToDo: 'target is the primary database'}
    }
    const ledger = await this.openLedger(flags, {target: {url: leader.url, label: leader.label}, heroku: {api, database: leader}})
    const db = await openDatabase({url: target.url, label: target.label}, {sslMode: process.env.PGSSLMODE}).catch(async error => {
      await ledger.close()
      throw error
    })
    try {
      if (!flags['dry-run']) await requireConfirmation(flags.confirm, flags.app, `Re-applying erasures to ${target.label}`)
      const {loaded, schema} = await loadMapForDatabase(flags.map, db.pool)
      const report = await replayLedger({
        target: db.pool, targetLabel: target.label, map: loaded.map, schema, ledger: ledger.ctx,
        key: await ledgerKey(ledger.ctx.pool, ledger.ctx.scope), since: since.at, dryRun: flags['dry-run'] === true,
      })
      this.log(`${target.label} holds data from ${since.at.toISOString()} (${since.source}).`)
      for (const warning of report.warnings) this.warn(warning)
      for (const a of report.applied) this.log(`${flags['dry-run'] ? 'Would re-apply' : 'Re-applied'} event ${a.seq} ${a.action}${a.requestId ? ` (${a.requestId})` : ''}: ${a.rows} rows`)
      if (report.alreadyReconciled.length > 0) this.log(`Already reconciled before: events ${report.alreadyReconciled.join(', ')}.`)
      for (const m of report.mismatches) this.log(`NOT applied: event ${m.seq} — ${m.table} row ${m.pk} now belongs to someone else (fingerprint mismatch); check it by hand.`)
      if (report.applied.length === 0 && report.mismatches.length === 0) this.log('Nothing to re-apply.')
      this.logLedgerHead(report.ledgerHead)
      if (report.mismatches.length > 0) {
        throw new PrivacyError(`${report.mismatches.length} recorded row(s) now belong to someone else in ${target.label}; those events were not applied.`, {code: 'fingerprint_mismatch', exitCode: ExitCode.violations, details: report})
      }
      return report
    } finally {
      await db.close()
      await ledger.close()
    }
  }
}

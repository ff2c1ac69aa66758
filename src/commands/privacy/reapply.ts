import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../cli/base-command.js'
import {confirmFlags, confirmationName, requireConfirmation} from '../../cli/confirm.js'
import {resolveCopy} from '../../cli/copy-target.js'
import {databaseFlags, mapFlag} from '../../cli/flags.js'
import {ledgerFlags} from '../../cli/ledger.js'
import {renderReapply} from '../../cli/render/reapply.js'
import {assertNoMismatches, reapplyToCopy} from '../../lib/reconcile/reapply.js'
import type {ReplayReport} from '../../lib/reconcile/replay.js'

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
    const copy = await resolveCopy(flags, this.opener)
    if (copy.kind === 'primary') {
      this.log(`${copy.database.label} is the primary database: its erasures and restrictions are already in place; nothing to reapply.`)
      return {nothingToDo: 'target is the primary database'}
    }
    const ledger = await this.openLedger(flags, copy.primary)
    try {
      const db = await this.connect(copy.target)
      if (!flags['dry-run'])
        await requireConfirmation(flags.confirm, confirmationName(flags.app, copy.target.url), `Re-applying erasures to ${copy.target.label}`)
      const report = await reapplyToCopy({
        target: db.pool,
        targetLabel: copy.target.label,
        mapFile: flags.map,
        ledger: ledger.ctx,
        ledgerLabel: ledger.label,
        scopeFromLedger: flags['database-url'] !== undefined && !flags.app,
        since: copy.since,
        dryRun: flags['dry-run'] === true,
      })
      renderReapply(this, report, copy.since)
      this.logLedgerHead(report.ledgerHead)
      assertNoMismatches(report)
      return report
    } finally {
      await ledger.close()
    }
  }
}

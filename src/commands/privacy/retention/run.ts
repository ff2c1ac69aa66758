import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {confirmFlags, confirmationName, requireConfirmation} from '../../../cli/confirm.js'
import {databaseFlags, mapFlag} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {RetentionReport, runRetention} from '../../../lib/retention/retention.js'
import {ledgerKey} from '../../../lib/ledger/fingerprint.js'

export default class RetentionRun extends PrivacyCommand {
  static description = `apply the data map's retention rules (GDPR Art. 5(1)(e), storage limitation)

For each table with retention: { column, after, action }, rows whose column is older than "after" are deleted or anonymised, in keyset batches of --batch-size, each its own transaction with its progress in the ledger: a run that is stopped resumes where it left off the next time. Restricted and held rows are never touched. Safe to run daily from Heroku Scheduler.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --dry-run',
    '<%= config.bin %> <%= command.id %> -a example-app --confirm example-app --batch-size 5000',
  ]

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    ...confirmFlags,
    map: mapFlag,
    'batch-size': Flags.integer({description: 'rows per batch (and per transaction)', default: 1000, min: 1}),
    'lock-timeout': Flags.integer({description: 'seconds to wait for a lock held by another session', default: 10, min: 1}),
  }

  async run(): Promise<RetentionReport> {
    const {flags} = await this.parse(RetentionRun)
    const {main, io, close} = await this.openRegistryAndLedger(flags, 'applying retention')
    try {
      const dryRun = flags['dry-run'] === true
      if (!dryRun) await requireConfirmation(flags.confirm, confirmationName(main.heroku?.database.app.name, main.target.url), 'Applying retention')
      const report = await runRetention({
        pool: io.registry,
        mapFile: flags.map,
        ledger: io.ledger,
        sameDatabase: io.sameDatabase,
        key: await ledgerKey(io.ledger.pool, io.ledger.scope),
        dryRun,
        batchSize: flags['batch-size'],
        lockTimeoutMs: flags['lock-timeout'] * 1000,
        progress: this.progress,
      })
      if (report.tables.length === 0) this.log('The data map has no retention rules.')
      else {
        await this.table(report.tables, {
          table: {header: 'Table'},
          action: {header: 'Action'},
          cutoff: {header: 'Older than', get: t => `${t.column} < ${t.cutoff.slice(0, 10)}`},
          rows: {header: 'Rows'},
          batches: {header: 'Batches'},
          skippedRestricted: {header: 'Restricted (skipped)'},
        })
      }
      this.log(dryRun ? 'Dry run: nothing was changed.' : `${report.resumed ? 'Resumed and finished' : 'Finished'} retention run ${report.run}.`)
      this.logLedgerHead(report.ledgerHead)
      return report
    } finally {
      await close()
    }
  }
}

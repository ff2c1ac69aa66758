import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {confirmFlags, confirmationName, requireConfirmation} from '../../../cli/confirm.js'
import {databaseFlags} from '../../../cli/flags.js'
import {PrivacyError} from '../../../lib/errors.js'
import {ExpiryResult, expireLogs, hasLogStore, parseRetention} from '../../../lib/logs/store.js'
import {plural} from '../../../lib/ui/words.js'

export default class LogsExpire extends PrivacyCommand {
  static description = `drop stored log lines older than the retention period

privacy:logs:serve does this every hour; run this from Heroku Scheduler when the receiver runs elsewhere, or to shorten retention at once. Whole days are dropped (the store is partitioned by the day a line arrived), so a line is kept between --retention and a day longer.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-logs --retention 30d --dry-run',
    '<%= config.bin %> <%= command.id %> -a example-logs --retention 30d --confirm example-logs',
  ]

  static flags = {
    ...databaseFlags,
    ...confirmFlags,
    retention: Flags.string({description: 'how long lines are kept (e.g. 30d, 2w, 72h)', required: true}),
  }

  async run(): Promise<ExpiryResult & {dryRun: boolean}> {
    const {flags} = await this.parse(LogsExpire)
    const retentionMs = parseRetention(flags.retention)
    const {main, db} = await this.openTarget(flags)
    try {
      if (!(await hasLogStore(db.pool)))
        throw new PrivacyError(`${main.target.label} has no log store (privacy:logs:serve creates it).`, {code: 'no_log_store'})
      const dryRun = flags['dry-run'] === true
      if (!dryRun) await requireConfirmation(flags.confirm, confirmationName(main.heroku?.database.app.name, main.target.url), 'Expiring logs')
      const result = await expireLogs(db.pool, {now: new Date(), retentionMs, dryRun})
      const days = result.dropped.length === 0 ? 'no day partitions' : `${plural(result.dropped.length, 'day partition')} (${result.dropped.join(', ')})`
      this.log(`${dryRun ? 'Would drop' : 'Dropped'} ${days} and ${plural(result.frames, 'remembered frame id')} older than ${flags.retention}.`)
      return {...result, dryRun}
    } finally {
      await db.close()
    }
  }
}

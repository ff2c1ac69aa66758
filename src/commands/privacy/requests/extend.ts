import {Args, Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {usageError} from '../../../lib/errors.js'
import {parseDate} from '../../../lib/ledger/dates.js'
import {RecordedRequest, extendRequest, getRequest} from '../../../lib/ledger/requests.js'
import {plural} from '../../../lib/ui/words.js'

export default class RequestsExtend extends PrivacyCommand {
  static description = `extend a request's deadline, with the reason recorded

As far as the request's law allows, counted from receipt: GDPR and UK GDPR two further months in all (--months, default 1), CCPA 45 days once, PIPEDA 30 days (--days, default the whole extension); LGPD none. Every law wants the person told within the first period: an extension recorded after it is refused (exit 4) unless --notified-on says they were told in time.`

  static examples = [
    '<%= config.bin %> <%= command.id %> R-2026-0003 -a example-app --reason "data in three systems" --months 1',
    '<%= config.bin %> <%= command.id %> R-2026-0004 -a example-app --reason "archived records to restore" --days 45 --notified-on 2026-11-28',
  ]

  static args = {id: Args.string({description: 'request id (R-YYYY-NNNN)', required: true})}

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    reason: Flags.string({description: 'why more time is needed (recorded)', required: true}),
    months: Flags.integer({description: 'months to add (GDPR, UK GDPR)', min: 1, max: 2, exclusive: ['days']}),
    days: Flags.integer({description: 'days to add (CCPA, PIPEDA)', min: 1, max: 45}),
    'notified-on': Flags.string({description: 'the day you told the person of the extension (default: today)', helpValue: 'YYYY-MM-DD'}),
  }

  async run(): Promise<RecordedRequest> {
    const {args, flags} = await this.parse(RequestsExtend)
    const notifiedOn = flags['notified-on'] === undefined ? undefined : parseDate(flags['notified-on'])
    if (flags['notified-on'] !== undefined && !notifiedOn) throw usageError(`--notified-on must be a date as YYYY-MM-DD (got ${flags['notified-on']}).`)
    const ledger = await this.openLedger(flags)
    try {
      const current = await getRequest(ledger.ctx, args.id)
      const monthly = current.law === 'gdpr' || current.law === 'uk-gdpr'
      if ((monthly && flags.days !== undefined) || (!monthly && flags.months !== undefined)) {
        throw usageError(`Request ${current.id} runs on ${current.law}, whose extensions are counted in ${monthly ? 'months (--months)' : 'days (--days)'}.`)
      }
      const request = await extendRequest(ledger.ctx, current.id, {amount: flags.months ?? flags.days, reason: flags.reason, notifiedOn})
      this.log(`Extended ${request.id}: now due ${request.dueOn} (${plural(request.daysLeft, 'day')} left).`)
      this.logLedgerHead(request.ledgerHead)
      return request
    } finally {
      await ledger.close()
    }
  }
}

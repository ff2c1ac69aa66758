import {Args, Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {PrivacyRequest, RecordedRequest, extendRequest} from '../../../lib/ledger/requests.js'

export default class RequestsExtend extends PrivacyCommand {
  static description = `extend a request's deadline, with the reason recorded

The GDPR allows at most two further months in all, where requests are complex or numerous (Art. 12(3)); you must tell the person within the first month.`

  static examples = ['<%= config.bin %> <%= command.id %> R-2026-0003 -a example-app --reason "data in three systems" --months 1']

  static args = {id: Args.string({description: 'request id (R-YYYY-NNNN)', required: true})}

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    reason: Flags.string({description: 'why more time is needed (recorded)', required: true}),
    months: Flags.integer({description: 'months to add', default: 1, min: 1, max: 2}),
  }

  async run(): Promise<RecordedRequest> {
    const {args, flags} = await this.parse(RequestsExtend)
    const ledger = await this.openLedger(flags)
    try {
      const request = await extendRequest(ledger.ctx, args.id, {months: flags.months, reason: flags.reason})
      this.log(`Extended ${request.id} by ${flags.months} month(s): now due ${request.dueOn} (${request.daysLeft} days left).`)
      this.logLedgerHead(request.ledgerHead)
      return request
    } finally {
      await ledger.close()
    }
  }
}

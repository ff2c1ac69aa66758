import {Args, Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {RecordedRequest, closeRequest} from '../../../lib/ledger/requests.js'

export default class RequestsClose extends PrivacyCommand {
  static description = 'close a request, recording its outcome'

  static examples = ['<%= config.bin %> <%= command.id %> R-2026-0003 -a example-app --outcome "export sent to the person on 2026-11-30"']

  static args = {id: Args.string({description: 'request id (R-YYYY-NNNN)', required: true})}

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    outcome: Flags.string({description: 'what was done, or why the request was refused (recorded)', required: true}),
  }

  async run(): Promise<RecordedRequest> {
    const {args, flags} = await this.parse(RequestsClose)
    const ledger = await this.openLedger(flags)
    try {
      const request = await closeRequest(ledger.ctx, args.id, {outcome: flags.outcome})
      this.log(`Closed ${request.id}: ${request.outcome}`)
      this.logLedgerHead(request.ledgerHead)
      return request
    } finally {
      await ledger.close()
    }
  }
}

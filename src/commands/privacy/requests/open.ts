import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {ExitCode, PrivacyError} from '../../../lib/errors.js'
import {parseDate} from '../../../lib/ledger/dates.js'
import {PrivacyRequest, REQUEST_KINDS, RecordedRequest, openRequest} from '../../../lib/ledger/requests.js'
import {parseSubject} from '../../../lib/subject/parse.js'

export default class RequestsOpen extends PrivacyCommand {
  static description = `record a data subject request and its legal deadline

The deadline is one calendar month from the day the request was received (GDPR Art. 12(3)); when that month is shorter, it is its last day (31 January → 28/29 February). The ledger stores the person only as a keyed fingerprint of the lookup value, never the value itself.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --kind erasure --subject email=alice@example.com --reference TICKET-123',
    '<%= config.bin %> <%= command.id %> -a example-app --kind access --subject id=42 --received 2026-11-20 --json',
  ]

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    kind: Flags.string({description: 'what the person asked for', options: [...REQUEST_KINDS], required: true}),
    subject: Flags.string({description: 'who asked, as COLUMN=VALUE of a lookup column (email=…, id=…)', required: true}),
    received: Flags.string({description: 'the day the request reached you (default: today)', helpValue: 'YYYY-MM-DD'}),
    reference: Flags.string({description: 'your own reference, e.g. a support ticket id'}),
  }

  async run(): Promise<RecordedRequest> {
    const {flags} = await this.parse(RequestsOpen)
    const subject = parseSubject(flags.subject)
    const receivedOn = flags.received === undefined ? undefined : parseDate(flags.received)
    if (flags.received !== undefined && !receivedOn) {
      throw new PrivacyError(`--received must be a date as YYYY-MM-DD (got ${flags.received}).`, {code: 'usage', exitCode: ExitCode.usage})
    }
    const ledger = await this.openLedger(flags)
    try {
      const request = await openRequest(ledger.ctx, {kind: flags.kind as PrivacyRequest['kind'], subject, receivedOn, reference: flags.reference})
      this.log(`Opened ${request.id} (${request.kind}), received ${request.receivedOn}, due ${request.dueOn} (${request.daysLeft} days left).`)
      this.logLedgerHead(request.ledgerHead)
      return request
    } finally {
      await ledger.close()
    }
  }
}

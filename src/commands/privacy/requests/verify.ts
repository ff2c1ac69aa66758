import {Args, Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {RecordedRequest, VERIFICATION_METHODS, VerificationMethod, recordVerification} from '../../../lib/ledger/requests.js'

export default class RequestsVerify extends PrivacyCommand {
  static description = `record how the requester's identity was checked

For a request opened before the check was done (privacy:requests:open takes the same flags). The method is one of a closed list, so no document number or answer ends up in the ledger; the deadline does not change.`

  static examples = ['<%= config.bin %> <%= command.id %> R-2026-0007 -a example-app --verified-by dpo@example.com --verification-method signed-in-account']

  static args = {id: Args.string({description: 'request id (R-YYYY-NNNN)', required: true})}

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    'verified-by': Flags.string({description: "who checked the requester's identity", required: true}),
    'verification-method': Flags.string({description: 'how the identity was checked', options: [...VERIFICATION_METHODS], required: true}),
  }

  async run(): Promise<RecordedRequest> {
    const {args, flags} = await this.parse(RequestsVerify)
    const ledger = await this.openLedger(flags)
    try {
      const request = await recordVerification(ledger.ctx, args.id, {by: flags['verified-by'], method: flags['verification-method'] as VerificationMethod})
      this.log(`Recorded for ${request.id}: identity checked by ${request.verifiedBy} (${request.verificationMethod}).`)
      this.logLedgerHead(request.ledgerHead)
      return request
    } finally {
      await ledger.close()
    }
  }
}

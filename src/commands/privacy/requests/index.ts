import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {ExitCode, PrivacyError} from '../../../lib/errors.js'
import {PrivacyRequest, listRequests} from '../../../lib/ledger/requests.js'
import {formatTable} from '../../../lib/ui/table.js'

export default class Requests extends PrivacyCommand {
  static description = `list data subject requests with their deadlines, overdue ones first

With --overdue the command exits 3 when any open request is past its deadline, for a CI job or a daily Scheduler check.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app',
    '<%= config.bin %> <%= command.id %> -a example-app --overdue --json',
  ]

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    all: Flags.boolean({description: 'include closed requests'}),
    overdue: Flags.boolean({description: 'exit 3 when any open request is overdue'}),
  }

  async run(): Promise<{requests: PrivacyRequest[]}> {
    const {flags} = await this.parse(Requests)
    const ledger = await this.openLedger(flags)
    let requests: PrivacyRequest[]
    try {
      requests = await listRequests(ledger.ctx, {includeClosed: flags.all})
    } finally {
      await ledger.close()
    }
    this.log(requests.length === 0
      ? `No ${flags.all ? '' : 'open '}requests for ${ledger.ctx.scope}.`
      : formatTable(['ID', 'KIND', 'LAW', 'REFERENCE', 'RECEIVED', 'DUE', 'DAYS LEFT', 'VERIFIED', 'STATUS'], requests.map(r => [
        r.id, r.kind, r.law, r.reference ?? '', r.receivedOn, r.dueOn + (r.extendedMonths > 0 ? ` (+${r.extendedMonths}m)` : r.extendedDays > 0 ? ` (+${r.extendedDays}d)` : ''),
        r.status === 'open' ? String(r.daysLeft) : '', r.verificationMethod ?? 'no', r.isOverdue ? 'OVERDUE' : r.status,
      ])))
    const overdue = requests.filter(r => r.isOverdue)
    if (flags.overdue && overdue.length > 0) {
      throw new PrivacyError(`${overdue.length} request(s) overdue: ${overdue.map(r => r.id).join(', ')}.`, {code: 'requests_overdue', exitCode: ExitCode.violations, details: {requests}})
    }
    return {requests}
  }
}

import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {violation} from '../../../lib/errors.js'
import {PrivacyRequest, listRequests} from '../../../lib/ledger/requests.js'
import {tableFlags} from '../../../cli/table.js'
import {plural} from '../../../lib/ui/words.js'

export default class Requests extends PrivacyCommand {
  static description = `list data subject requests with their deadlines, overdue ones first

With --overdue the command exits 3 when any open request is past its deadline, for a CI job or a daily Scheduler check. A request across several apps lists each app and whether it is done (erased, for an erasure; exported, for access and portability), under Apps, and under apps in --json.`

  static examples = ['<%= config.bin %> <%= command.id %> -a example-app', '<%= config.bin %> <%= command.id %> -a example-app --overdue --json']

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    all: Flags.boolean({description: 'include closed requests'}),
    overdue: Flags.boolean({description: 'exit 3 when any open request is overdue'}),
    ...tableFlags,
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
    if (requests.length === 0) this.log(`No ${flags.all ? '' : 'open '}requests for ${ledger.ctx.scope}.`)
    else {
      await this.table(
        requests,
        {
          id: {header: 'ID'},
          kind: {header: 'Kind'},
          law: {header: 'Law'},
          reference: {header: 'Reference', get: r => r.reference ?? ''},
          receivedOn: {header: 'Received'},
          dueOn: {header: 'Due', get: r => r.dueOn + (r.extendedMonths > 0 ? ` (+${r.extendedMonths}m)` : r.extendedDays > 0 ? ` (+${r.extendedDays}d)` : '')},
          daysLeft: {header: 'Days left', get: r => (r.status === 'open' ? String(r.daysLeft) : '')},
          verified: {header: 'Verified', get: r => r.verificationMethod ?? 'no'},
          ...(requests.some(r => r.apps)
            ? {
                apps: {
                  header: 'Apps',
                  get: (r: PrivacyRequest) => (r.apps ?? []).map(a => `${a.app} ${a.step === null ? '' : a.done ? 'done' : 'pending'}`.trim()).join(', '),
                },
              }
            : {}),
          status: {header: 'Status', get: r => (r.isOverdue ? 'OVERDUE' : r.status)},
        },
        flags,
      )
    }
    const overdue = requests.filter(r => r.isOverdue)
    if (flags.overdue && overdue.length > 0) {
      throw violation('requests_overdue', `${plural(overdue.length, 'request')} overdue: ${overdue.map(r => r.id).join(', ')}.`, {result: {requests}})
    }
    return {requests}
  }
}

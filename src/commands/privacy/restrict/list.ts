import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {listRestrictions} from '../../../lib/restrict/restrict.js'
import {tableFlags} from '../../../cli/table.js'
import {plural} from '../../../lib/ui/words.js'

export default class RestrictList extends PrivacyCommand {
  static description = `list active restrictions and legal holds

Shows each restriction's reason, age, rows, legal hold and its snapshot, and the request it answers with its due date. Also copies into the ledger any bypass of the enforcement triggers logged since the last run.`

  static examples = ['<%= config.bin %> <%= command.id %> -a example-app', '<%= config.bin %> <%= command.id %> -a example-app --json']

  static flags = {...databaseFlags, ...ledgerFlags, ...tableFlags}

  async run() {
    const {flags} = await this.parse(RestrictList)
    const {io, close} = await this.openRegistryAndLedger(flags, 'recording bypasses in the ledger')
    try {
      const result = await listRestrictions(io)
      if (result.bypassesRecorded > 0)
        this.warn(
          `${plural(result.bypassesRecorded, 'bypass', 'bypasses')} of restricted rows ${result.bypassesRecorded === 1 ? 'was' : 'were'} recorded in the ledger; see \`heroku privacy:ledger\`.`,
        )
      if (result.restrictions.length === 0) this.log('No active restrictions.')
      else {
        await this.table(
          result.restrictions,
          {
            id: {header: 'ID'},
            reason: {header: 'Reason'},
            ageDays: {header: 'Age', get: r => `${r.ageDays}d`},
            rows: {header: 'Rows'},
            legalHold: {
              header: 'Legal hold',
              get: r =>
                r.legalHold
                  ? r.snapshot
                    ? r.snapshot.kind === 'backup'
                      ? `yes (backup ${r.snapshot.name})`
                      : `yes (fork ${r.snapshot.addon})`
                    : 'yes'
                  : 'no',
            },
            requestId: {header: 'Request', get: r => r.requestId ?? ''},
            dueOn: {header: 'Due', get: r => r.dueOn ?? ''},
          },
          flags,
        )
      }
      this.logLedgerHead(result.ledgerHead)
      return result
    } finally {
      await close()
    }
  }
}

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {listAndRecord} from '../../../lib/restrict/run.js'
import {formatTable} from '../../../lib/ui/table.js'

export default class RestrictList extends PrivacyCommand {
  static description = `list active restrictions and legal holds

Shows each restriction's reason, age, rows, legal hold and its snapshot, and the request it answers with its due date. Also copies into the ledger any bypass of the enforcement triggers logged since the last run.`

  static examples = ['<%= config.bin %> <%= command.id %> -a example-app', '<%= config.bin %> <%= command.id %> -a example-app --json']

  static flags = {...databaseFlags, ...ledgerFlags}

  async run() {
    const {flags} = await this.parse(RestrictList)
    const {io, close} = await this.openRegistryAndLedger(flags)
    try {
      const result = await listAndRecord(io)
      if (result.bypassesRecorded > 0) this.warn(`${result.bypassesRecorded} bypass(es) of restricted rows were recorded in the ledger; see \`heroku privacy:ledger\`.`)
      this.log(result.restrictions.length === 0 ? 'No active restrictions.' : formatTable(
        ['ID', 'REASON', 'AGE', 'ROWS', 'LEGAL HOLD', 'REQUEST', 'DUE'],
        result.restrictions.map(r => [
          r.id, r.reason, `${r.ageDays}d`, String(r.rows),
          r.legalHold ? (r.snapshot ? (r.snapshot.kind === 'backup' ? `yes (backup ${r.snapshot.name})` : `yes (fork ${r.snapshot.addon})`) : 'yes') : 'no',
          r.requestId ?? '', r.dueOn ?? '',
        ]),
      ))
      this.logLedgerHead(result.ledgerHead)
      return result
    } finally {
      await close()
    }
  }
}

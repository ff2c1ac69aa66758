import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {ChainVerdict, chainBrokenError, verifyChain} from '../../../lib/ledger/events.js'

export default class LedgerVerify extends PrivacyCommand {
  static description = `check that no ledger event was changed, removed or reordered

Recomputes every event's hash from its content and the hash before it, and names the first broken link. Exits 3 when the chain is broken.`

  static examples = ['<%= config.bin %> <%= command.id %> -a example-app', '<%= config.bin %> <%= command.id %> --ledger-url postgres://… --json']

  static flags = {...databaseFlags, ...ledgerFlags}

  async run(): Promise<ChainVerdict> {
    const {flags} = await this.parse(LedgerVerify)
    const ledger = await this.openLedger(flags)
    let verdict: ChainVerdict
    try {
      verdict = await verifyChain(ledger.ctx.pool)
    } finally {
      await ledger.close()
    }
    if (!verdict.intact) throw chainBrokenError(verdict)
    this.log(`The ledger in ${ledger.label} is intact: ${verdict.events} event${verdict.events === 1 ? '' : 's'}, last hash ${verdict.lastHash.slice(0, 16)}…`)
    return verdict
  }
}

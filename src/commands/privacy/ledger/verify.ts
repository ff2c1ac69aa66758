import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {chainBrokenError} from '../../../lib/ledger/events.js'
import {LedgerVerdict, headsMissingError, verifyLedger} from '../../../lib/ledger/head.js'

export default class LedgerVerify extends PrivacyCommand {
  static description = `check that no ledger event was changed, removed or reordered

Recomputes every event's hash from its content and the hash before it, checks the rows an event stored beside the chain (the rows an erasure or restriction touched) against the count and digest the event carries, and names the first broken link. The chain alone cannot show that its newest events were deleted: every command that records an event prints the ledger's head (SEQ:HASH, ledgerHead in --json, also in an export's manifest); keep those heads outside the ledger (the CI log, the request ticket) and pass them with --head, which fails when a head is gone or has another hash. Exits 3 when the chain is broken or a head is missing.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app',
    '<%= config.bin %> <%= command.id %> -a example-app --head 42:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    '<%= config.bin %> <%= command.id %> --ledger-url postgres://… --json',
  ]

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    head: Flags.string({
      description: 'a head printed by an earlier command, to check it is still in the ledger (repeatable)',
      helpValue: 'SEQ:HASH',
      multiple: true,
    }),
  }

  async run(): Promise<LedgerVerdict> {
    const {flags} = await this.parse(LedgerVerify)
    const ledger = await this.openLedger(flags)
    let verdict: LedgerVerdict
    try {
      verdict = await verifyLedger(ledger.ctx.pool, flags.head ?? [])
    } finally {
      await ledger.close()
    }
    if (!verdict.intact) throw chainBrokenError(verdict)
    if (verdict.heads.some(h => h.status !== 'found')) throw headsMissingError(verdict)
    this.log(
      `The ledger in ${ledger.label} is intact: ${verdict.events} event${verdict.events === 1 ? '' : 's'}${verdict.heads.length > 0 ? `, holding the ${verdict.heads.length === 1 ? 'head' : `${verdict.heads.length} heads`} given` : ''}.`,
    )
    this.logLedgerHead(verdict.ledgerHead)
    return verdict
  }
}

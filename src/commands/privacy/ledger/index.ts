import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {usageError} from '../../../lib/errors.js'
import {parseDate} from '../../../lib/ledger/dates.js'
import {LedgerEvent, listEvents} from '../../../lib/ledger/events.js'
import {tableFlags} from '../../../cli/table.js'
import {summarizeEvent} from '../../../lib/ui/event-summary.js'

export default class Ledger extends PrivacyCommand {
  static description = `show the ledger's events: what was done, when, by whom

Every request, export, restriction and erasure is an event in an append-only, hash-chained log (check it with privacy:ledger:verify). Events hold fingerprints and primary keys, never the personal data itself. Each event is shown as a one-line summary; --extended adds who acted and the event's hash, --json gives every detail.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --request R-2026-0003',
    '<%= config.bin %> <%= command.id %> -a example-app --since 2026-11-01 --json',
  ]

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    request: Flags.string({description: 'only the events of this request'}),
    since: Flags.string({description: 'only events on or after this day', helpValue: 'YYYY-MM-DD'}),
    ...tableFlags,
  }

  async run(): Promise<{events: LedgerEvent[]}> {
    const {flags} = await this.parse(Ledger)
    const since = flags.since === undefined ? undefined : parseDate(flags.since)
    if (flags.since !== undefined && !since) throw usageError(`--since must be a date as YYYY-MM-DD (got ${flags.since}).`)
    const ledger = await this.openLedger(flags)
    let events: LedgerEvent[]
    try {
      events = await listEvents(ledger.ctx.pool, {requestId: flags.request, since, scope: ledger.ctx.scope})
    } finally {
      await ledger.close()
    }
    if (events.length === 0) this.log('No events.')
    else {
      await this.table(
        events,
        {
          seq: {header: 'Seq'},
          at: {header: 'At', get: e => e.at.replace('T', ' ').slice(0, 16)},
          actor: {header: 'Actor', extended: true},
          action: {header: 'Action'},
          requestId: {header: 'Request', get: e => e.requestId ?? ''},
          summary: {header: 'What', get: e => summarizeEvent(e.action, e.details)},
          hash: {header: 'Hash', extended: true, get: e => `${e.hash.slice(0, 16)}…`},
        },
        flags,
      )
    }
    return {events}
  }
}

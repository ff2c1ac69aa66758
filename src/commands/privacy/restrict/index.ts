import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags, mapFlag} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {kindChoice, kindFlags, readSubjects, subjectFlags} from '../../../cli/subjects.js'
import {RESTRICTION_REASONS, RestrictionReason, restrictPeople} from '../../../lib/restrict/restrict.js'

export default class Restrict extends PrivacyCommand {
  static description = `stop processing a person's data without deleting it (GDPR Art. 18)

Registers every row the data map ties to the person in heroku_privacy.restricted_rows, and (re)creates one view per mapped table in the schema heroku_privacy_unrestricted that leaves restricted rows out, plus heroku_privacy.is_restricted(table, pk) for application queries. --enforce also installs triggers that refuse UPDATE and DELETE of restricted rows unless the session sets heroku_privacy.bypass to a reason; bypasses are logged and copied into the ledger.

--legal-hold marks the restriction as a hold (erasure and retention then refuse the rows) and first takes a real snapshot: a Heroku Postgres backup, or a fork with --snapshot fork. If the snapshot fails, nothing is recorded. Restricting the same person again only adds rows that appeared since.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --subject email=alice@example.com --reason accuracy --enforce',
    '<%= config.bin %> <%= command.id %> -a example-app --subject id=42 --reason legal-claim --legal-hold --request R-2026-0007',
  ]

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    ...subjectFlags,
    ...kindFlags,
    map: mapFlag,
    reason: Flags.string({
      description: 'why processing stops (Art. 18(1)): accuracy contested, unlawful processing, needed for a legal claim, or an objection pending',
      options: [...RESTRICTION_REASONS],
      required: true,
    }),
    request: Flags.string({description: 'the request this answers', helpValue: 'R-YYYY-NNNN'}),
    'legal-hold': Flags.boolean({description: 'keep the data for a legal claim: take a snapshot, and make erasure and retention refuse these rows'}),
    snapshot: Flags.string({description: 'what snapshot a legal hold takes', options: ['backup', 'fork', 'none'], default: 'backup'}),
    'snapshot-timeout': Flags.integer({description: 'minutes to wait for the snapshot', default: 60, min: 1}),
    enforce: Flags.boolean({description: 'install triggers that refuse UPDATE and DELETE of restricted rows'}),
  }

  async run() {
    const {flags} = await this.parse(Restrict)
    const subjects = await readSubjects(flags)
    const {main, io, close} = await this.openRegistryAndLedger(flags, 'restricting a person')
    try {
      const result = await restrictPeople({
        ...io,
        mapFile: flags.map,
        subjects,
        kinds: kindChoice(flags),
        reason: flags.reason as RestrictionReason,
        requestId: flags.request ?? null,
        legalHold: flags['legal-hold'] === true,
        snapshot: flags.snapshot as 'backup' | 'fork' | 'none',
        enforce: flags.enforce === true,
        heroku: main.heroku,
        wait: {
          clock: () => new Date(),
          sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
          timeoutMs: flags['snapshot-timeout'] * 60_000,
          progress: this.progress,
        },
      })
      if (result.snapshot)
        this.log(
          `Snapshot: ${result.snapshot.kind === 'backup' ? `backup ${result.snapshot.name} (transfer ${result.snapshot.transferId})` : `fork ${result.snapshot.addon}`} of ${result.snapshot.database}.`,
        )
      for (const r of result.restrictions) {
        const tables = Object.entries(r.rowsByTable)
          .map(([table, n]) => `${table} ${n}`)
          .join(', ')
        this.log(
          `${r.created ? 'Restricted' : 'Already restricted'}: ${r.id}${r.legalHold ? ' (legal hold)' : ''}; ${r.rowsAdded} ${r.created ? '' : 'new '}rows${tables ? ` (${tables})` : ''}.`,
        )
      }
      this.log(
        `Views without restricted rows: ${result.views.length} in schema heroku_privacy_unrestricted.${result.enforced.length > 0 ? ` Enforced on ${result.enforced.length} tables.` : ''}`,
      )
      if (result.skipped.length > 0) this.warn(`No primary key, so rows could not be registered: ${result.skipped.join(', ')}`)
      this.logLedgerHead(result.ledgerHead)
      return result
    } finally {
      await close()
    }
  }
}

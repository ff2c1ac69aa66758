import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {confirmFlags, confirmationName, requireConfirmation} from '../../../cli/confirm.js'
import {databaseFlags} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {readSubjects, subjectFlags} from '../../../cli/subjects.js'
import {liftRestrictions} from '../../../lib/restrict/restrict.js'

export default class RestrictLift extends PrivacyCommand {
  static description = `lift a person's restriction, recording their approval

GDPR Art. 18(3): processing may resume only once the person has been told; --approved-by and --evidence record who approved it and how (refused with exit 4 without them). A legal hold lifts only with --release-hold, and the command names the snapshot that may now be deleted.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --subject email=alice@example.com --approved-by "Alice Example" --evidence "email of 2026-11-30, TICKET-123" --confirm example-app',
  ]

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    ...subjectFlags,
    ...confirmFlags,
    'approved-by': Flags.string({description: 'who approved resuming processing (recorded)'}),
    evidence: Flags.string({description: 'where the approval is documented (recorded)'}),
    'release-hold': Flags.boolean({description: 'also release a legal hold (the claim is settled)'}),
  }

  async run() {
    const {flags} = await this.parse(RestrictLift)
    const subjects = await readSubjects(flags)
    const {main, io, close} = await this.openRegistryAndLedger(flags, 'lifting a restriction')
    try {
      const input = {...io, subjects, approvedBy: flags['approved-by'], evidence: flags.evidence, releaseHold: flags['release-hold'] === true}
      if (!flags['dry-run']) {
        await liftRestrictions({...input, dryRun: true})
        await requireConfirmation(flags.confirm, confirmationName(main.heroku?.database.app.name, main.target.url), 'Lifting the restriction')
      }
      const {lifted, ledgerHead} = await liftRestrictions({...input, dryRun: flags['dry-run'] === true})
      for (const r of lifted) {
        this.log(`${flags['dry-run'] ? 'Would lift' : 'Lifted'} ${r.id} (${r.reason}, ${r.rows} rows).`)
        if (r.legalHold && r.snapshot) {
          const name = r.snapshot.kind === 'backup' ? `backup ${r.snapshot.name}` : `fork ${r.snapshot.addon}`
          this.log(
            `The legal hold is released: ${name} is no longer needed for it; delete it when nothing else needs it (${r.snapshot.kind === 'backup' ? `heroku pg:backups:delete ${r.snapshot.name}` : `heroku addons:destroy ${r.snapshot.addon}`}).`,
          )
        }
      }
      this.logLedgerHead(ledgerHead)
      return {dryRun: flags['dry-run'] === true, lifted, ledgerHead}
    } finally {
      await close()
    }
  }
}

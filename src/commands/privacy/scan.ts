import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../cli/base-command.js'
import {databaseFlags} from '../../cli/flags.js'
import {assertCanReview} from '../../cli/interactive.js'
import {saveReview} from '../../lib/datamap/review.js'
import {addAppRecipients} from '../../lib/scan/app-recipients.js'
import {ScanReport, assertMapCurrent, checkMapAgainstDatabase, hasDrift, reviewItemsOf, writeMapFromScan} from '../../lib/scan/run-scan.js'
import {reviewInTerminal} from '../../lib/ui/review-terminal.js'
import {renderDrift, renderScanReport} from '../../lib/ui/scan-report.js'

export default class Scan extends PrivacyCommand {
  static description = `find the personal data in a database and write the data map (privacy.yml)

Classifies every column from its name, its type and a bounded sample of its values (TABLESAMPLE on large tables, so the scan stays fast as tables grow), picks the table with one row per person, follows foreign keys outward from it, and proposes references that exist only by value (a ticket's requester_email). Writes privacy.yml, or updates it keeping every human edit, with the evidence as comments. What a scan cannot know — the controller, each table's purposes and legal bases, recipients, retention, source and automated decisions — it writes as placeholders marked review: true (with --app, the recipients include the app's add-on providers and log drain destinations); privacy:check fails until a person has reviewed them. Review the map and commit it: export, restriction, erasure and retention read it.

With --review (a terminal only) it then walks through the findings it is unsure of and the references it proposes, one at a time — evidence and the shapes of sampled values, never the values — and saves each decision into privacy.yml, keeping comments.

With --check nothing is written: the command exits 3 when the database has tables or columns the map does not classify, or the map names things that no longer exist — run it in CI.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app',
    '<%= config.bin %> <%= command.id %> -a example-app --subject-table public.customers --out privacy.yml',
    '<%= config.bin %> <%= command.id %> -a example-app --check',
    '<%= config.bin %> <%= command.id %> -a example-app --review',
  ]

  static flags = {
    ...databaseFlags,
    'subject-table': Flags.string({description: 'table with one row per person (guessed when obvious)', helpValue: 'SCHEMA.TABLE'}),
    out: Flags.string({description: 'data map file to write, or to check with --check', default: 'privacy.yml', aliases: ['map'], helpValue: 'FILE'}),
    check: Flags.boolean({description: 'change nothing; exit 3 when the schema and the map have drifted apart'}),
    review: Flags.boolean({
      description: 'after writing the map, decide its uncertain findings and proposed references one at a time (needs a terminal)',
      exclusive: ['check', 'json'],
    }),
  }

  async run(): Promise<ScanReport> {
    const {flags} = await this.parse(Scan)
    if (flags.review) assertCanReview(this.env)
    const {main, db} = await this.openTarget(flags)
    const input = {pool: db.pool, file: flags.out, subjectTable: flags['subject-table'], today: new Date(), progress: this.progress}
    if (flags.check) {
      const report = await checkMapAgainstDatabase(input)
      if (report.drift && hasDrift(report.drift)) this.log(renderDrift(report))
      assertMapCurrent(report, flags.out, main.target.label)
      this.log(`${flags.out} matches ${main.target.label}.`)
      return report
    }
    const report = await writeMapFromScan(input)
    await db.close()
    const heroku = main.heroku
    if (heroku) report.added.push(...(await addAppRecipients(flags.out, heroku.api, heroku.database.app, this.progress)))
    // The review takes the terminal over: the live progress view on stderr must be gone before anything else is drawn.
    if (flags.review) this.stopProgress()
    this.log(renderScanReport(report, main.target.label))
    if (flags.review) {
      const decisions = await reviewInTerminal(reviewItemsOf(report), {stdin: process.stdin, stdout: process.stdout})
      const outcome = await saveReview(flags.out, decisions)
      this.log(
        `Saved your review into ${flags.out}: ${outcome.accepted} accepted, ${outcome.changed} changed, ${outcome.rejected} rejected, ${outcome.skipped} skipped.`,
      )
    }
    return report
  }
}

import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../cli/base-command.js'
import {databaseFlags} from '../../cli/flags.js'
import {inventory} from '../../lib/check/inventory.js'
import {addPlatformRecipients, platformRecipients} from '../../lib/datamap/platform-recipients.js'
import {formatProblems} from '../../lib/datamap/load.js'
import {PrivacyError, violation} from '../../lib/errors.js'
import {saveReview} from '../../lib/datamap/review.js'
import {ScanReport, checkMapAgainstDatabase, hasDrift, reviewItemsOf, writeMapFromScan} from '../../lib/scan/run-scan.js'
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
    if (flags.review && !(process.stdin.isTTY && process.stdout.isTTY)) {
      throw new PrivacyError(
        '--review needs an interactive terminal; run privacy:scan without --review and review the comments in privacy.yml by hand, or run it in a terminal.',
        {code: 'review_needs_terminal'},
      )
    }
    if (flags.review && this.env.inCi) {
      throw new PrivacyError(
        '--review is interactive, and CI is set in this environment, where the review could not redraw; run it in a terminal without CI set.',
        {
          code: 'review_needs_terminal',
        },
      )
    }
    const {
      main: {target, heroku},
      db,
    } = await this.openTarget(flags)
    let report: ScanReport
    try {
      const input = {pool: db.pool, file: flags.out, subjectTable: flags['subject-table'], today: new Date(), progress: this.progress}
      report = flags.check ? await checkMapAgainstDatabase(input) : await writeMapFromScan(input)
    } finally {
      await db.close()
    }
    if (flags.check) {
      if (report.drift && hasDrift(report.drift)) {
        this.log(renderDrift(report))
        throw violation(
          'map_drift',
          `${flags.out} is out of date with ${target.label}; run \`heroku privacy:scan\` to update it, review the change, and commit it.`,
          {details: report},
        )
      }
      if (report.problems.length > 0) {
        throw new PrivacyError(`${flags.out} has problems: ${formatProblems(flags.out, report.problems)}`, {code: 'invalid_map', details: report.problems})
      }
      this.log(`${flags.out} matches ${target.label}.`)
      return report
    }
    if (heroku) {
      const app = heroku.database.app
      const stores = await inventory(heroku.api, app.name).catch(error => {
        this.warn(`Could not list ${app.name}'s add-ons and drains (${(error as Error).message}); add their providers to recipients: by hand.`)
        return []
      })
      const added = await addPlatformRecipients(flags.out, platformRecipients(stores, app.region?.name))
      report.added.push(...added.map(id => `recipients.${id}`))
    }
    // The review takes the terminal over: the live progress view on stderr must be gone before anything else is drawn.
    if (flags.review) this.stopProgress()
    this.log(renderScanReport(report, target.label))
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

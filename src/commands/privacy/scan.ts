import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../cli/base-command.js'
import {databaseFlags} from '../../cli/flags.js'
import {inventory} from '../../lib/check/inventory.js'
import {addPlatformRecipients, platformRecipients} from '../../lib/datamap/platform-recipients.js'
import {formatProblems} from '../../lib/datamap/load.js'
import {PrivacyError, violation} from '../../lib/errors.js'
import {ScanReport, checkMapAgainstDatabase, hasDrift, writeMapFromScan} from '../../lib/scan/run-scan.js'
import {renderDrift, renderScanReport} from '../../lib/ui/scan-report.js'

export default class Scan extends PrivacyCommand {
  static description = `find the personal data in a database and write the data map (privacy.yml)

Classifies every column from its name, its type and a bounded sample of its values (TABLESAMPLE on large tables, so the scan stays fast as tables grow), picks the table with one row per person, follows foreign keys outward from it, and proposes references that exist only by value (a ticket's requester_email). Writes privacy.yml, or updates it keeping every human edit, with the evidence as comments. What a scan cannot know — the controller, each table's purposes and legal bases, recipients, retention, source and automated decisions — it writes as placeholders marked review: true (with --app, the recipients include the app's add-on providers and log drain destinations); privacy:check fails until a person has reviewed them. Review the map and commit it: export, restriction, erasure and retention read it.

With --check nothing is written: the command exits 3 when the database has tables or columns the map does not classify, or the map names things that no longer exist — run it in CI.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app',
    '<%= config.bin %> <%= command.id %> -a example-app --subject-table public.customers --out privacy.yml',
    '<%= config.bin %> <%= command.id %> -a example-app --check',
  ]

  static flags = {
    ...databaseFlags,
    'subject-table': Flags.string({description: 'table with one row per person (guessed when obvious)', helpValue: 'SCHEMA.TABLE'}),
    out: Flags.string({description: 'data map file to write, or to check with --check', default: 'privacy.yml', aliases: ['map'], helpValue: 'FILE'}),
    check: Flags.boolean({description: 'change nothing; exit 3 when the schema and the map have drifted apart'}),
  }

  async run(): Promise<ScanReport> {
    const {flags} = await this.parse(Scan)
    const {main: {target, heroku}, db} = await this.openTarget(flags)
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
        throw violation('map_drift', `${flags.out} is out of date with ${target.label}; run \`heroku privacy:scan\` to update it, review the change, and commit it.`, {details: report})
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
    this.log(renderScanReport(report, target.label))
    return report
  }
}

import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../cli/base-command.js'
import {databaseFlags, mapFlag} from '../../cli/flags.js'
import {kindChoice, kindFlags, readSubjects, subjectFlags} from '../../cli/subjects.js'
import {violation} from '../../lib/errors.js'
import {LocateReport, locateSubjects} from '../../lib/locate/locate.js'
import {describeAppearances, renderLocateReport} from '../../lib/ui/locate-report.js'

export const locateFlags = {
  jobs: Flags.integer({description: 'tables searched at once, each on its own connection', default: 2, min: 1, max: 16}),
  'max-seconds': Flags.integer({description: 'stop after this many seconds and name the tables not reached (default: no limit)', min: 1}),
}

export default class Locate extends PrivacyCommand {
  static description = `find every place in the database where a person appears, mapped or not

Finds the person by a lookup column of the data map, reads their distinctive identifiers from the rows the map ties to them (emails, phone numbers, names of two or more words, IP addresses, government and card numbers, external account ids; never a first name alone), then searches every text, varchar, char, citext, json/jsonb, array and inet/cidr column of every table — in the map or not, this tool's own schema aside — for them as whole tokens: alice@example.com in "call alice@example.com" but not in "malice@example.com", inside JSON at any depth (keys too) and arrays, case-insensitively, phone numbers in their usual written forms. One pass per table covers all its columns.

Prints where the person appears: table, column and the number of rows — never a value — and whether those are rows the map ties to them ("mapped") or not ("not linked by the map": an audit log outside the map, someone else's free text mentioning them). Exit 0 when the person appears only where the map links them, 3 when they appear anywhere else: add those tables to the map, or clean them up.

--max-seconds bounds the search; the tables it did not reach in time are named, and searching them is left to a later run.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --subject email=alice@example.com',
    '<%= config.bin %> <%= command.id %> -a example-app --subject id=42 --jobs 4 --max-seconds 60 --json',
  ]

  static flags = {
    ...databaseFlags,
    ...subjectFlags,
    ...kindFlags,
    map: mapFlag,
    ...locateFlags,
  }

  async run(): Promise<LocateReport> {
    const {flags} = await this.parse(Locate)
    const subjects = await readSubjects(flags)
    const started = Date.now()
    // --max-seconds sets each table's statement timeout; without it a large table may take as long as it needs.
    const {db} = await this.openTarget(flags, {maxConnections: flags.jobs + 1, statementTimeoutMs: flags['max-seconds'] === undefined ? 0 : undefined})
    let report: LocateReport
    try {
      report = await locateSubjects({
        pool: db.pool,
        mapFile: flags.map,
        subjects,
        kinds: kindChoice(flags),
        jobs: flags.jobs,
        deadline: flags['max-seconds'] === undefined ? undefined : started + flags['max-seconds'] * 1000,
        progress: this.progress,
      })
    } finally {
      await db.close()
    }
    this.progress({kind: 'done'})
    this.log(renderLocateReport(report, {maxSeconds: flags['max-seconds']}))
    const unlinked = report.found.filter(a => !a.linked)
    if (unlinked.length > 0) {
      throw violation(
        'unlinked_appearances',
        `The person appears where the data map does not link them: ${describeAppearances(unlinked)}. Link those rows to them in the map (a via edge), or clean them up.`,
        {details: report},
      )
    }
    return report
  }
}

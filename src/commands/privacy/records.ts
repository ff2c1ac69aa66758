import {flags as herokuFlags} from '@heroku-cli/command'
import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../cli/base-command.js'
import {appFlag, mapFlag} from '../../cli/flags.js'
import {loadDataMap} from '../../lib/datamap/load.js'
import {reviewMarks} from '../../lib/datamap/processing.js'
import {RecordOfProcessing, buildRecord} from '../../lib/records/record.js'
import {renderRecordHtml, renderRecordMarkdown} from '../../lib/records/render.js'

export default class Records extends PrivacyCommand {
  static description = `print the app's record of processing activities (GDPR Art. 30)

Built each time from the data map (controller, purposes and legal bases, categories of people and of data, recipients, retention), the app's add-ons and log drains, and the Heroku Postgres Data API (regions, encryption at rest, continuous protection, backups), so it stays true when the map does. Places outside the EEA are marked as transfers, with the safeguard the map states or the adequacy decision that covers the country. Entries still marked review: true are listed at the end.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app > records.md',
    '<%= config.bin %> <%= command.id %> -a example-app --format html > records.html',
    '<%= config.bin %> <%= command.id %> -a example-app --format json',
  ]

  static flags = {
    app: appFlag({required: true}),
    remote: herokuFlags.remote(),
    map: mapFlag,
    format: Flags.string({description: 'output format', options: ['md', 'html', 'json'], default: 'md'}),
  }

  async run(): Promise<RecordOfProcessing> {
    const {flags} = await this.parse(Records)
    const loaded = await loadDataMap(flags.map)
    const record = await buildRecord({
      map: loaded.map,
      unreviewed: reviewMarks(loaded).map(m => m.path),
      api: this.herokuApi(),
      app: flags.app,
      now: new Date(),
    })
    if (flags.format === 'json') this.log(JSON.stringify(record, null, 2))
    else this.log(flags.format === 'html' ? renderRecordHtml(record) : renderRecordMarkdown(record))
    const n = record.unreviewed.length
    if (n > 0)
      this.warn(
        `${n} ${n === 1 ? 'entry' : 'entries'} of ${flags.map} ${n === 1 ? 'is' : 'are'} still marked review: true; the record repeats ${n === 1 ? 'it' : 'them'} as written.`,
      )
    return record
  }
}

import {flags as herokuFlags} from '@heroku-cli/command'

import {PrivacyCommand} from '../../cli/base-command.js'
import {appFlag} from '../../cli/flags.js'
import {StoreEntry, inventory} from '../../lib/check/inventory.js'
import {tableFlags} from '../../cli/table.js'

export default class Inventory extends PrivacyCommand {
  static description = `list every place an app keeps data, and what this tool covers there

From the app's add-ons, attachments and log drains: Heroku Postgres (plan, region, encryption, followers, forks), Key-Value Store/Redis, Apache Kafka, Heroku Connect, any other add-on that may receive personal data, log drains and Logplex — each with what privacy:* commands do for it and what must be handled by hand. Know where the data is before answering a request.`

  static examples = ['<%= config.bin %> <%= command.id %> -a example-app', '<%= config.bin %> <%= command.id %> -a example-app --json']

  static flags = {app: appFlag({required: true}), remote: herokuFlags.remote(), ...tableFlags}

  async run(): Promise<{stores: StoreEntry[]}> {
    const {flags} = await this.parse(Inventory)
    const stores = await inventory(this.herokuApi(), flags.app)
    await this.table(
      stores,
      {
        store: {header: 'Store'},
        kind: {header: 'Kind'},
        plan: {header: 'Plan', get: s => s.plan ?? ''},
        details: {header: 'Details', get: s => s.details.join('; ')},
        covered: {header: 'This tool', get: s => s.covered.join(', ') || '-'},
        manual: {header: 'By hand', extended: true, get: s => s.manual.join('; ')},
      },
      flags,
    )
    return {stores}
  }
}

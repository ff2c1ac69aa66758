import {flags as herokuFlags} from '@heroku-cli/command'

import {PrivacyCommand} from '../../../../cli/base-command.js'
import {appFlag} from '../../../../cli/flags.js'
import {LogDrain, LoggingFacts, listLogDrains} from '../../../../lib/logs/drains.js'
import {tableFlags} from '../../../../cli/table.js'

export default class LogsDrainList extends PrivacyCommand {
  static description = `list where the app's logs go: its log drains (credentials hidden), its space's logging and Logplex's own week

Shows each drain's URL without its password, the drain token a receiver should allow, when it was added and whether an add-on owns it, then what the app's generation and space mean for its logs.`

  static examples = ['<%= config.bin %> <%= command.id %> -a example-app', '<%= config.bin %> <%= command.id %> -a example-app --json']

  static flags = {
    app: appFlag({required: true}),
    remote: herokuFlags.remote(),
    ...tableFlags,
  }

  async run(): Promise<{drains: LogDrain[]; facts: LoggingFacts}> {
    const {flags} = await this.parse(LogsDrainList)
    const result = await listLogDrains(this.herokuApi(), flags.app)
    if (result.drains.length === 0) this.log(`${flags.app} has no log drains.`)
    else {
      await this.table(
        result.drains,
        {
          url: {header: 'URL'},
          token: {header: 'Token'},
          createdAt: {header: 'Added', get: d => d.createdAt.slice(0, 16).replace('T', ' ')},
          addon: {header: 'Add-on', get: d => d.addon ?? '-'},
        },
        flags,
      )
    }
    for (const note of result.facts.notes) this.log(`Note: ${note}`)
    return result
  }
}

import {flags as herokuFlags} from '@heroku-cli/command'
import {Args} from '@oclif/core'

import {PrivacyCommand} from '../../../../cli/base-command.js'
import {appFlag} from '../../../../cli/flags.js'
import {confirmFlags, requireConfirmation} from '../../../../cli/confirm.js'
import {LogDrain, removeLogDrain} from '../../../../lib/logs/drains.js'
import {passwordOfUrl} from '../../../../lib/redact.js'

export default class LogsDrainRemove extends PrivacyCommand {
  static description = `remove a log drain from the app

Names the drain by its id, its token or its URL (with or without the credentials). The lines the drain already delivered stay in its store: expire or erase them there (privacy:logs:expire, privacy:erase --include-logs).`

  static examples = ['<%= config.bin %> <%= command.id %> https://example-logs.herokuapp.com/drain -a example-app --confirm example-app']

  static args = {
    drain: Args.string({description: 'drain id, token or URL', required: true}),
  }

  static flags = {
    app: appFlag({required: true}),
    remote: herokuFlags.remote(),
    ...confirmFlags,
  }

  async run(): Promise<{removed: LogDrain | null; wouldRemove: LogDrain | null}> {
    const {args, flags} = await this.parse(LogsDrainRemove)
    this.rememberSecret(passwordOfUrl(args.drain))
    const api = this.herokuApi()
    if (flags['dry-run'] === true) {
      const drain = await removeLogDrain(api, {app: flags.app, drain: args.drain, dryRun: true})
      this.log(`Would remove log drain ${drain.url} (token ${drain.token}) from ${flags.app}; nothing was changed.`)
      return {removed: null, wouldRemove: drain}
    }
    await requireConfirmation(flags.confirm, flags.app, 'Removing a log drain')
    const drain = await removeLogDrain(api, {app: flags.app, drain: args.drain})
    this.log(`Removed log drain ${drain.url} from ${flags.app}. Lines it already delivered stay in its store until they expire.`)
    return {removed: drain, wouldRemove: null}
  }
}

import {flags as herokuFlags} from '@heroku-cli/command'
import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../../cli/base-command.js'
import {appFlag} from '../../../../cli/flags.js'
import {LogDrain, LoggingFacts, addLogDrain} from '../../../../lib/logs/drains.js'
import {passwordOfUrl} from '../../../../lib/redact.js'

export default class LogsDrain extends PrivacyCommand {
  static description = `send the app's logs to a receiver that keeps, redacts, expires and exports them per person

Adds an HTTPS log drain pointing at privacy:logs:serve (running as its own app, or anywhere Logplex can reach). Logs hold IP addresses, emails and request paths; Logplex keeps them only about a week and cannot search or erase them, so a drain is how they become answerable to access and erasure requests.

The URL must be https:// (plain http only to localhost) and carry the credentials the receiver's --auth expects; --no-auth accepts a URL without them. The drain token Heroku assigns is printed: give it to the receiver's --drain-token so it accepts this app's batches only. Fir-generation apps have telemetry drains instead, and apps in a space with Private Space Logging use the space's drain: both are refused with the step to take instead.`

  static examples = ['<%= config.bin %> <%= command.id %> -a example-app --url https://drain:s3cret@example-logs.herokuapp.com/drain']

  static flags = {
    app: appFlag({required: true}),
    remote: herokuFlags.remote(),
    url: Flags.string({description: "the receiver's drain URL, with user:password@", required: true, helpValue: 'https://user:password@host/path'}),
    'no-auth': Flags.boolean({description: 'accept a drain URL without credentials'}),
  }

  async run(): Promise<{drain: LogDrain; facts: LoggingFacts}> {
    const {flags} = await this.parse(LogsDrain)
    this.rememberSecret(passwordOfUrl(flags.url))
    const result = await addLogDrain(this.herokuApi(), {app: flags.app, url: flags.url, allowNoAuth: flags['no-auth'] === true})
    this.log(`Added log drain ${result.drain.url} to ${flags.app}.`)
    this.log(`Drain token: ${result.drain.token} — start the receiver with --drain-token ${result.drain.token} so it accepts this app's batches.`)
    for (const note of result.facts.notes) this.log(`Note: ${note}`)
    return result
  }
}

import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../../cli/base-command.js'
import {parseDrainAuth, untilSignalled} from '../../../cli/drain-auth.js'
import {databaseFlags} from '../../../cli/flags.js'
import {describeListening, describeReceiverEvent, describeStats} from '../../../cli/render/logs.js'
import {usageError} from '../../../lib/errors.js'
import type {ReceiverStats} from '../../../lib/logs/receiver.js'
import {REDACTION_PRESETS, redactionList, redactorFor} from '../../../lib/logs/redaction.js'
import {startLogReceiver} from '../../../lib/logs/serve.js'
import {parseRetention} from '../../../lib/logs/store.js'
import {redactSecrets} from '../../../lib/redact.js'

export default class LogsServe extends PrivacyCommand {
  static description = `receive the app's logs from a Logplex drain and keep them in Postgres, redacted, expiring, searchable per person

Speaks Heroku's HTTPS drain protocol: POST bodies of octet-counted RFC 5424 frames (Content-Type application/logplex-1). Each batch is answered 2xx only after it is committed, so Logplex retries whatever was not stored (the store being down gets 503); a retried Logplex-Frame-Id is stored once. Lines are stored in heroku_privacy.log_lines, partitioned by day; partitions older than --retention are dropped at start and every hour. --redact removes patterns before anything is stored (presets: ${Object.keys(REDACTION_PRESETS).join(', ')}; anything else is a regular expression) — what is redacted cannot be found for an access request later, so redact credentials, not identifiers you must answer for.

Requests need the basic-auth credentials of --auth (the user:password in the drain URL) and, with --drain-token, one of those Logplex-Drain-Token values; without either it refuses to start unless --no-auth. Bodies over --max-body get 413, senders over --max-requests-per-second get 429; malformed frames are counted and skipped, never stored.

To run it as its own Heroku app: push this package with a Postgres add-on, set HEROKU_PRIVACY_DRAIN_AUTH (user:password) and HEROKU_PRIVACY_DRAIN_TOKENS, and use the Procfile's web process; then point apps at it with privacy:logs:drain.`

  static examples = [
    '<%= config.bin %> <%= command.id %> --database-url postgres://… --auth drain:s3cret --drain-token d.0b1c… --retention 30d --redact password,bearer',
    '<%= config.bin %> <%= command.id %> -a example-logs --port 8080 --auth drain:s3cret',
  ]

  static flags = {
    ...databaseFlags,
    port: Flags.integer({description: 'port to listen on', env: 'PORT', default: 5000}),
    host: Flags.string({description: 'address to listen on (default 0.0.0.0 on a dyno, where $PORT is set; else 127.0.0.1)'}),
    auth: Flags.string({
      description: 'basic-auth credentials the drain URL carries (env HEROKU_PRIVACY_DRAIN_AUTH)',
      env: 'HEROKU_PRIVACY_DRAIN_AUTH',
      helpValue: 'USER:PASSWORD',
    }),
    'drain-token': Flags.string({
      description: 'accept only batches with this Logplex-Drain-Token (repeatable; env HEROKU_PRIVACY_DRAIN_TOKENS, comma-separated)',
      multiple: true,
    }),
    'no-auth': Flags.boolean({description: 'run without credentials or drain tokens (anyone who can reach the port can write)'}),
    retention: Flags.string({description: 'how long lines are kept (e.g. 30d, 2w, 72h; at least a day)', env: 'HEROKU_PRIVACY_LOG_RETENTION', default: '30d'}),
    redact: Flags.string({
      description: `what to remove from lines before they are stored: ${Object.keys(REDACTION_PRESETS).join(', ')} or a regular expression; a comma-separated list, or repeat the flag (env HEROKU_PRIVACY_LOG_REDACT); a comma inside (), [] or {} stays in its pattern`,
      multiple: true,
      helpValue: 'password,bearer',
    }),
    'max-body': Flags.integer({description: 'largest batch accepted, in bytes', default: 1_048_576}),
    'max-requests-per-second': Flags.integer({description: 'requests a second accepted from one drain (bursts of twice that)', default: 500}),
    'stats-every': Flags.integer({description: 'print counts every N seconds (0: only at the end)', default: 60}),
  }

  protected override handlesSignals = true

  async run(): Promise<ReceiverStats> {
    const {flags} = await this.parse(LogsServe)
    const auth = parseDrainAuth(flags.auth)
    this.rememberSecret(auth?.password)
    const drainTokens = flags['drain-token'] ?? this.env.drainTokens
    if (!auth && drainTokens.length === 0 && flags['no-auth'] !== true) {
      throw usageError(
        "The receiver needs credentials: pass --auth USER:PASSWORD (the drain URL's) and/or --drain-token, or --no-auth to accept anyone who can reach it.",
      )
    }
    const retentionMs = parseRetention(flags.retention)
    const redactor = redactorFor(redactionList(flags.redact ?? this.env.logRedactions))
    const {main, db} = await this.openTarget(flags, {
      maxConnections: 8,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
      applicationName: 'heroku-privacy-logs',
    })
    const {receiver, address} = await startLogReceiver({
      pool: db.pool,
      store: main.target,
      port: flags.port,
      host: flags.host ?? (this.env.onDyno ? '0.0.0.0' : '127.0.0.1'),
      auth,
      drainTokens,
      redactor,
      retentionMs,
      maxBodyBytes: flags['max-body'],
      maxRequestsPerSecond: flags['max-requests-per-second'],
      clock: () => new Date(),
      onEvent: event => this.logToStderr(redactSecrets(describeReceiverEvent(event), this.secrets)),
    })
    this.log(describeListening(address, main.target.label, flags.retention, redactor.applied))
    const ticker = flags['stats-every'] > 0 ? setInterval(() => this.logToStderr(describeStats(receiver.stats)), flags['stats-every'] * 1000) : undefined
    await untilSignalled()
    clearInterval(ticker)
    await receiver.close()
    this.log(describeStats(receiver.stats))
    return receiver.stats
  }
}

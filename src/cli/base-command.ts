import {Command} from '@heroku-cli/command'
import {Command as OclifCommand} from '@oclif/core'
import type pg from 'pg'

import {ExitCode, PrivacyError} from '../lib/errors.js'
import {withFlagHints} from './hints.js'
import {ConnectionOptions, Database, DatabaseTarget} from '../lib/db/connection.js'
import type {RegistryAndLedger} from '../lib/restrict/restrict.js'
import {passwordOfUrl, redactSecrets} from '../lib/redact.js'
import {HerokuApi} from '../lib/heroku/api.js'
import {cliHerokuApi} from '../lib/heroku/cli-client.js'
import {withRetries} from '../lib/heroku/retry.js'
import {ProgressSink} from '../lib/progress.js'
import {createProgressRenderer, ProgressRenderer} from '../lib/ui/progress-renderer.js'
import {OpenConnections} from './connections.js'
import {PrivacyEnvironment, readEnvironment} from './environment.js'
import {LedgerFlags, OpenLedger, openLedger} from './ledger.js'
import {LogStoreFlags, openLogStore} from './log-store.js'
import {TableColumns, TableFlags, renderTable} from './table.js'
import {Opener, ResolvedTarget, TargetFlags, resolveTarget} from './target.js'
import {assertWritable} from './writable.js'

interface OclifLikeError {
  message?: string
  exitCode?: number
  oclif?: {exit?: number}
  code?: string
  skipOclifErrorHandling?: boolean
}

const SIGNAL_EXIT_CODES = {SIGINT: 130, SIGTERM: 143} as const

/**
 * What every privacy command shares: --json, the environment read once, one
 * API seam with retries, the one way to open a database (resolve, SSH tunnel
 * through the bastion when the database needs one, TLS, timeouts,
 * application_name) with everything closed on every exit — Ctrl-C included —
 * progress on stderr, and errors as one redacted line with the exit code the
 * design promises, also under --json, where oclif reads `exitCode`.
 */
export abstract class PrivacyCommand extends Command {
  static enableJsonFlag = true
  static baseFlags = Command.baseFlagsWithoutPrompt()

  /** Commands that wait for a signal themselves (a server) stop on it gracefully instead. */
  protected handlesSignals = false

  private renderer?: ProgressRenderer
  private api?: HerokuApi
  private connections?: OpenConnections
  private environment?: PrivacyEnvironment
  /** The app the command is about, once known: named in messages instead of a placeholder. */
  private appName?: string

  /** Values that must never be printed, collected as they become known (database passwords, bastion keys). */
  protected readonly secrets = new Set<string>()

  private interrupted?: {signal: keyof typeof SIGNAL_EXIT_CODES; message: string; said: boolean}

  private readonly onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES) => {
    this.renderer?.stop()
    const open = this.connections?.size ?? 0
    this.interrupted = {
      signal,
      said: false,
      message: ` ›   Interrupted${open > 0 ? `; closed ${open} database connection${open === 1 ? '' : 's'} and ${open === 1 ? 'its' : 'their'} tunnels` : ''}.\n`,
    }
    void (this.connections?.closeAll({interrupted: true}) ?? Promise.resolve()).finally(() => {
      this.sayInterrupted()
      process.exit(SIGNAL_EXIT_CODES[signal])
    })
  }

  private sayInterrupted(): void {
    if (!this.interrupted || this.interrupted.said) return
    this.interrupted.said = true
    process.stderr.write(this.interrupted.message)
  }

  /** The environment, read once when the command starts. */
  protected get env(): PrivacyEnvironment {
    this.environment ??= readEnvironment(process.env)
    return this.environment
  }

  /**
   * The heroku CLI's init reads the stored Heroku credentials up front, which
   * spawns a probe of the credential store; a command given --database-url may
   * never call Heroku, so it skips that (a request still reads them when made).
   */
  override async init(): Promise<void> {
    if (this.argv.some(arg => arg === '--database-url' || arg.startsWith('--database-url=')))
      await (OclifCommand.prototype as unknown as {init(this: OclifCommand): Promise<void>}).init.call(this)
    else await super.init()
    this.environment = readEnvironment(process.env)
    if (!this.handlesSignals) {
      process.once('SIGINT', this.onSignal)
      process.once('SIGTERM', this.onSignal)
    }
  }

  protected herokuApi(): HerokuApi {
    this.api ??= withRetries(cliHerokuApi(this.heroku, this.env.dataHost), {
      onRetry: ({status, delayMs}) =>
        this.progress({kind: 'warning', message: `Heroku API answered ${status}; retrying in ${Math.round(delayMs / 100) / 10}s`}),
    })
    return this.api
  }

  protected progress: ProgressSink = event => {
    this.renderer ??= createProgressRenderer({stream: process.stderr, enabled: !this.jsonEnabled()})
    this.renderer.sink(event)
  }

  /** What the helpers in src/cli use to reach Heroku and databases. */
  protected get opener(): Opener {
    return {env: this.env, api: () => this.herokuApi(), connect: (target, options) => this.connect(target, options)}
  }

  /** --database-url, --app/--database or $DATABASE_URL, resolved the way `heroku pg:*` does. */
  protected async resolveTarget(flags: TargetFlags): Promise<ResolvedTarget> {
    const resolved = await resolveTarget(flags, this.opener)
    this.appName = resolved.heroku?.database.attachment.app.name ?? this.appName
    return resolved
  }

  /**
   * The one way a command opens a database: through the bastion when it has
   * one, TLS as the heroku CLI sets it, timeouts and application_name; closed
   * when the command ends however it ends.
   */
  protected async connect(target: DatabaseTarget, options: ConnectionOptions = {}): Promise<Database> {
    this.rememberSecret(passwordOfUrl(target.url))
    this.rememberSecret(target.bastion?.privateKey)
    this.connections ??= new OpenConnections({sslMode: this.env.sslMode, tunnelTimeoutMs: this.env.tunnelTimeoutMs})
    return this.connections.connect(target, options)
  }

  /** Resolves the flags' database and opens it. */
  protected async openTarget(flags: TargetFlags, options: ConnectionOptions = {}): Promise<{main: ResolvedTarget; db: Database}> {
    const main = await this.resolveTarget(flags)
    return {main, db: await this.connect(main.target, options)}
  }

  /** Opens the request ledger the flags point at (see ledgerFlags); close it when done. */
  protected openLedger(flags: LedgerFlags, main?: ResolvedTarget): Promise<OpenLedger> {
    if (main) this.appName = main.heroku?.database.attachment.app.name ?? this.appName
    return openLedger(flags, this.opener, main)
  }

  protected openLogStore(flags: LogStoreFlags, main: ResolvedTarget): Promise<Database | undefined> {
    return openLogStore(flags, main, this.opener)
  }

  /**
   * Resolves the app database and the ledger together, for commands that change
   * the database and record it: the registry lives in the app database, the
   * ledger wherever the flags put it. A follower is refused, naming its leader.
   */
  protected async openRegistryAndLedger(
    flags: LedgerFlags,
    action: string,
    preflight?: (pool: pg.Pool) => Promise<void>,
  ): Promise<{main: ResolvedTarget; io: RegistryAndLedger; close: () => Promise<void>}> {
    const {main, db} = await this.openTarget(flags)
    // What the command will need of the app database is checked before the ledger creates anything in it.
    const ledger = await (async () => {
      await assertWritable(main, db, action)
      await preflight?.(db.pool)
      return this.openLedger(flags, main)
    })().catch(async error => {
      await db.close()
      throw error
    })
    return {
      main,
      io: {registry: db.pool, registryLabel: main.target.label, ledger: ledger.ctx, sameDatabase: ledger.label === main.target.label},
      close: async () => {
        await db.close()
        await ledger.close()
      },
    }
  }

  /** Ends the live progress view, for a command that takes the terminal over (an interactive step) before it exits. */
  protected stopProgress(): void {
    this.renderer?.stop()
  }

  /** A table that fits the terminal, with --columns/--extended/--csv when the command has tableFlags; nothing under --json. */
  public async table<T extends object>(rows: T[], columns: TableColumns<T>, flags: TableFlags = {}): Promise<void> {
    if (this.jsonEnabled()) return
    await renderTable(rows, columns, flags, line => this.log(line))
  }

  /** The ledger's head after this command's events, to keep outside the ledger (privacy:ledger:verify --head checks it). */
  protected logLedgerHead(head: string | null | undefined): void {
    if (head) this.log(`Ledger head: ${head}`)
  }

  protected rememberSecret(value: string | undefined | null): void {
    if (value) this.secrets.add(value)
  }

  override async finally(error: Error | undefined): Promise<void> {
    process.removeListener('SIGINT', this.onSignal)
    process.removeListener('SIGTERM', this.onSignal)
    this.renderer?.stop()
    await this.connections?.closeAll()
    await super.finally(error)
  }

  /** The error as the user should read it: a tunnel that dropped is named as the cause, placeholders get the app's name. */
  private explain(error: Error & OclifLikeError): Error & OclifLikeError {
    const dropped = this.connections?.droppedTunnel()
    if (dropped && !(error instanceof PrivacyError && error.code.startsWith('bastion_'))) {
      return new PrivacyError(
        `The SSH tunnel to ${dropped.label} through the bastion ${dropped.bastion} closed while the command ran (${dropped.reason}): ${error.message}`,
        {code: 'tunnel_dropped'},
      )
    }
    if (error instanceof PrivacyError && error.code === 'no_map' && this.appName) error.message = error.message.replace('-a APP', `-a ${this.appName}`)
    if (error instanceof PrivacyError) error.message = withFlagHints(error.code, error.message, this.ctor.flags ?? {})
    return error
  }

  override async catch(caught: Error & OclifLikeError): Promise<unknown> {
    this.renderer?.stop()
    this.renderer = undefined
    if (this.interrupted) {
      // Closing the connections on Ctrl-C makes the work still running fail; that failure is not the news.
      const exitCode = SIGNAL_EXIT_CODES[this.interrupted.signal]
      process.exitCode = exitCode
      this.sayInterrupted()
      throw Object.assign(new PrivacyError('Interrupted.', {exitCode: exitCode as never}), {skipOclifErrorHandling: true})
    }
    const error = this.explain(caught)
    const secrets = [...this.secrets, this.env.apiKey]
    const isUsage = error.oclif?.exit === ExitCode.usage && !(error instanceof PrivacyError)
    const exitCode = error.exitCode ?? error.oclif?.exit ?? ExitCode.error
    const message = redactSecrets(isUsage ? (error.message ?? 'usage error') : oneLine(error.message ?? String(error)), secrets)
    process.exitCode = exitCode
    if (this.jsonEnabled()) {
      const privacy = error instanceof PrivacyError ? error : undefined
      const details = privacy?.details !== undefined ? {details: privacy.details} : {}
      this.logJson({...resultOf(privacy), error: {code: privacy ? privacy.code : (error.code ?? 'error'), message, exitCode, ...details}})
      return
    }
    if (isUsage) {
      error.message = message
      throw error
    }
    process.stderr.write(` ›   Error: ${message}\n`)
    throw Object.assign(new PrivacyError(message, {exitCode: exitCode as PrivacyError['exitCode']}), {skipOclifErrorHandling: true})
  }
}

/**
 * What --json prints beside the error: the command's whole result when it got
 * that far — a check that found violations exits 3 with its full report.
 */
function resultOf(error: PrivacyError | undefined): object | undefined {
  if (!error) return undefined
  if (error.result) return error.result
  const details = error.details
  return error.exitCode === ExitCode.violations && details !== null && typeof details === 'object' && !Array.isArray(details) ? details : undefined
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

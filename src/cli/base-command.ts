import {Command} from '@heroku-cli/command'
import {Command as OclifCommand} from '@oclif/core'
import type pg from 'pg'

import {ExitCode, PrivacyError} from '../lib/errors.js'
import {LedgerFlags, OpenLedger, openLedger} from './ledger.js'
import {openDatabase} from '../lib/db/connection.js'
import type {RegistryAndLedger} from '../lib/restrict/run.js'
import {passwordOfUrl, redactSecrets} from '../lib/redact.js'
import {ResolvedTarget, resolveTarget} from './target.js'
import {HerokuApi} from '../lib/heroku/api.js'
import {cliHerokuApi} from '../lib/heroku/cli-client.js'
import {withRetries} from '../lib/heroku/retry.js'
import {ProgressSink} from '../lib/progress.js'
import {createProgressRenderer, ProgressRenderer} from '../lib/ui/progress-renderer.js'

interface OclifLikeError {
  message?: string
  exitCode?: number
  oclif?: {exit?: number}
  code?: string
  skipOclifErrorHandling?: boolean
}

/**
 * What every privacy command shares: --json, one API seam with retries,
 * progress on stderr, and errors as one redacted line with the exit code the
 * design promises — also under --json, where oclif reads `exitCode`.
 */
export abstract class PrivacyCommand extends Command {
  static enableJsonFlag = true
  static baseFlags = Command.baseFlagsWithoutPrompt()

  private renderer?: ProgressRenderer

  /** Values that must never be printed, collected as they become known (database passwords). */
  protected readonly secrets = new Set<string>()

  /**
   * The heroku CLI's init reads the stored Heroku credentials up front, which
   * spawns a probe of the credential store; a command given --database-url may
   * never call Heroku, so it skips that (a request still reads them when made).
   */
  override async init(): Promise<void> {
    if (this.argv.some(arg => arg === '--database-url' || arg.startsWith('--database-url='))) return (OclifCommand.prototype as unknown as {init(this: OclifCommand): Promise<void>}).init.call(this)
    return super.init()
  }

  protected herokuApi(): HerokuApi {
    const dataHost = process.env.HEROKU_DATA_HOST || process.env.HEROKU_POSTGRESQL_HOST || 'api.data.heroku.com'
    return withRetries(cliHerokuApi(this.heroku, dataHost), {
      onRetry: ({status, delayMs}) => this.progress({kind: 'warning', message: `Heroku API answered ${status}; retrying in ${Math.round(delayMs / 100) / 10}s`}),
    })
  }

  protected progress: ProgressSink = event => {
    this.renderer ??= createProgressRenderer({stream: process.stderr, enabled: !this.jsonEnabled()})
    this.renderer.sink(event)
  }

  /** Opens the request ledger the flags point at (see ledgerFlags); close it when done. */
  protected openLedger(flags: LedgerFlags, main?: ResolvedTarget): Promise<OpenLedger> {
    return openLedger(flags, {api: () => this.herokuApi(), env: process.env, rememberSecret: value => this.rememberSecret(value)}, main)
  }

  /**
   * Resolves the app database and the ledger together, for commands that change
   * the database and record it: the registry lives in the app database, the
   * ledger wherever the flags put it.
   */
  protected async openRegistryAndLedger(flags: LedgerFlags, preflight?: (pool: pg.Pool) => Promise<void>): Promise<{main: ResolvedTarget; io: RegistryAndLedger; close: () => Promise<void>}> {
    const main = await resolveTarget(flags, process.env, () => this.herokuApi())
    this.rememberSecret(passwordOfUrl(main.target.url))
    const db = await openDatabase(main.target, {sslMode: process.env.PGSSLMODE})
    // What the command will need of the app database is checked before the ledger creates anything in it.
    const ledger = await (async () => {
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

  protected rememberSecret(value: string | undefined): void {
    if (value) this.secrets.add(value)
  }

  override async finally(error: Error | undefined): Promise<void> {
    this.renderer?.stop()
    await super.finally(error)
  }

  override async catch(error: Error & OclifLikeError): Promise<unknown> {
    this.renderer?.stop()
    this.renderer = undefined
    const secrets = [...this.secrets, process.env.HEROKU_API_KEY]
    const isUsage = error.oclif?.exit === ExitCode.usage && !(error instanceof PrivacyError)
    const exitCode = error.exitCode ?? error.oclif?.exit ?? ExitCode.error
    const message = redactSecrets(isUsage ? (error.message ?? 'usage error') : oneLine(error.message ?? String(error)), secrets)
    process.exitCode = exitCode
    if (this.jsonEnabled()) {
      const details = error instanceof PrivacyError && error.details !== undefined ? {details: error.details} : {}
      this.logJson({error: {code: error instanceof PrivacyError ? error.code : (error.code ?? 'error'), message, exitCode, ...details}})
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

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

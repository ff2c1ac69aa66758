import {Command} from '@heroku-cli/command'

import {ExitCode, PrivacyError} from '../lib/errors.js'
import {LedgerFlags, OpenLedger, openLedger} from './ledger.js'
import type {ResolvedTarget} from './target.js'
import {HerokuApi} from '../lib/heroku/api.js'
import {cliHerokuApi} from '../lib/heroku/cli-client.js'
import {withRetries} from '../lib/heroku/retry.js'
import {ProgressSink} from '../lib/progress.js'
import {redactSecrets} from '../lib/redact.js'
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

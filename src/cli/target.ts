import {ConnectionOptions, Database, DatabaseTarget, parsePostgresUrl} from '../lib/db/connection.js'
import {usageError} from '../lib/errors.js'
import {HerokuApi} from '../lib/heroku/api.js'
import {HerokuDatabase, resolveDatabase, targetOf} from '../lib/heroku/resolve-database.js'
import {describeDatabaseUrl} from '../lib/redact.js'
import type {PrivacyEnvironment} from './environment.js'

export interface TargetFlags {
  app?: string
  database?: string
  'database-url'?: string
}

export interface ResolvedTarget {
  target: DatabaseTarget
  heroku?: {api: HerokuApi; database: HerokuDatabase}
}

/** What the helpers in src/cli need from the command running them: the environment, the API and the one way to connect. */
export interface Opener {
  env: PrivacyEnvironment
  api(): HerokuApi
  connect(target: DatabaseTarget, options?: ConnectionOptions): Promise<Database>
}

/** A database given by URL, named without its credentials. */
export function urlTarget(url: string, prefix = ''): DatabaseTarget {
  parsePostgresUrl(url)
  return {url, label: `${prefix}${describeDatabaseUrl(url)}`}
}

/**
 * --database-url wins; then --app (with --database); then $DATABASE_URL, which
 * is what a one-off or Scheduler dyno in the app's own space provides.
 */
export async function resolveTarget(flags: TargetFlags, opener: Pick<Opener, 'env' | 'api'>): Promise<ResolvedTarget> {
  const url = flags['database-url'] ?? (flags.app ? undefined : opener.env.databaseUrl)
  if (url !== undefined) {
    if (flags.database) {
      throw usageError('--database names a Heroku attachment and cannot be combined with --database-url; use one of them.')
    }
    return {target: urlTarget(url)}
  }
  if (!flags.app) {
    throw usageError('No app given. Pass --app APP (or --remote), or --database-url postgres://… for a database outside Heroku.')
  }
  const herokuApi = opener.api()
  const database = await resolveDatabase(herokuApi, {app: flags.app, database: flags.database})
  return {target: targetOf(database), heroku: {api: herokuApi, database}}
}

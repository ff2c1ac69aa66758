import {DatabaseTarget, parsePostgresUrl} from '../lib/db/connection.js'
import {ExitCode, PrivacyError} from '../lib/errors.js'
import {HerokuApi} from '../lib/heroku/api.js'
import {HerokuDatabase, resolveDatabase} from '../lib/heroku/resolve-database.js'
import {describeDatabaseUrl} from '../lib/redact.js'

export interface TargetFlags {
  app?: string
  database?: string
  'database-url'?: string
}

export interface ResolvedTarget {
  target: DatabaseTarget
  heroku?: {api: HerokuApi; database: HerokuDatabase}
}

/**
 * --database-url wins; then --app (with --database); then $DATABASE_URL, which
 * is what a one-off or Scheduler dyno in the app's own space provides.
 */
export async function resolveTarget(flags: TargetFlags, env: NodeJS.ProcessEnv, api: () => HerokuApi): Promise<ResolvedTarget> {
  const url = flags['database-url'] ?? (flags.app ? undefined : env.DATABASE_URL)
  if (url !== undefined) {
    if (flags.database) {
      throw new PrivacyError('--database names a Heroku attachment and cannot be combined with --database-url; use one of them.', {code: 'usage', exitCode: ExitCode.usage})
    }
    parsePostgresUrl(url)
    return {target: {url, label: describeDatabaseUrl(url)}}
  }
  if (!flags.app) {
    throw new PrivacyError('No app given. Pass --app APP (or --remote), or --database-url postgres://… for a database outside Heroku.', {code: 'usage', exitCode: ExitCode.usage})
  }
  const herokuApi = api()
  const database = await resolveDatabase(herokuApi, {app: flags.app, database: flags.database})
  return {target: {url: database.url, label: database.label}, heroku: {api: herokuApi, database}}
}

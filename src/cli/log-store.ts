import {Flags} from '@oclif/core'

import type {Database} from '../lib/db/connection.js'
import {PrivacyError, usageError} from '../lib/errors.js'
import {resolveDatabase, targetOf} from '../lib/heroku/resolve-database.js'
import {hasLogStore} from '../lib/logs/store.js'
import {Opener, ResolvedTarget, urlTarget} from './target.js'

export const logStoreFlags = {
  'include-logs': Flags.boolean({description: 'also cover the lines privacy:logs:serve stored that mention the person'}),
  'logs-database-url': Flags.string({description: "the log store's Postgres (default: the app database)", helpValue: 'postgres://…'}),
  'logs-database': Flags.string({description: 'the log store as a Heroku attachment, e.g. example-logs::DATABASE'}),
}

export interface LogStoreFlags {
  app?: string
  'include-logs'?: boolean
  'logs-database-url'?: string
  'logs-database'?: string
}

/**
 * Opens the log store when --include-logs asks for it: --logs-database-url,
 * else --logs-database resolved through Heroku, else the app database itself.
 */
export async function openLogStore(flags: LogStoreFlags, main: ResolvedTarget, opener: Opener): Promise<Database | undefined> {
  if (flags['include-logs'] !== true) {
    if (flags['logs-database-url'] || flags['logs-database']) {
      throw usageError('--logs-database-url and --logs-database only matter with --include-logs.')
    }
    return undefined
  }
  let target = main.target
  if (flags['logs-database-url']) {
    target = urlTarget(flags['logs-database-url'], 'log store ')
  } else if (flags['logs-database']) {
    if (!flags.app) throw usageError('--logs-database names a Heroku attachment and needs --app; use --logs-database-url otherwise.')
    target = targetOf(await resolveDatabase(main.heroku?.api ?? opener.api(), {app: flags.app, database: flags['logs-database']}))
  }
  const db = await opener.connect(target)
  if (!(await hasLogStore(db.pool))) {
    await db.close()
    throw new PrivacyError(`${target.label} has no log store; point --logs-database or --logs-database-url at the database privacy:logs:serve writes to.`, {
      code: 'no_log_store',
    })
  }
  return db
}

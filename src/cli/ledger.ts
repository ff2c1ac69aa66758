import {userInfo} from 'node:os'

import {Flags} from '@oclif/core'

import {describeDatabaseError} from '../lib/db/connection.js'
import {HerokuApi, get} from '../lib/heroku/api.js'
import {resolveDatabase, targetOf} from '../lib/heroku/resolve-database.js'
import {LedgerContext} from '../lib/ledger/context.js'
import {migrateLedger} from '../lib/ledger/migrate.js'
import {describeDatabaseUrl} from '../lib/redact.js'
import {Opener, ResolvedTarget, TargetFlags, resolveTarget, urlTarget} from './target.js'

export const ledgerFlags = {
  'ledger-url': Flags.string({
    description: 'keep the ledger in this Postgres instead of the app database (recommended: it survives restores and rollbacks of the app database)',
    helpValue: 'postgres://…',
  }),
  'ledger-database': Flags.string({
    description: 'keep the ledger in another database attached to the app (e.g. HEROKU_POSTGRESQL_GOLD)',
  }),
  actor: Flags.string({description: "who is acting, as recorded in the ledger (default: your Heroku account's email)"}),
}

export interface LedgerFlags extends TargetFlags {
  'ledger-url'?: string
  'ledger-database'?: string
  actor?: string
}

export interface OpenLedger {
  ctx: LedgerContext
  label: string
  close(): Promise<void>
}

async function actorFor(flags: LedgerFlags, api: HerokuApi | undefined): Promise<string> {
  if (flags.actor) return flags.actor
  if (api) {
    const account = await get<{email: string}>(api, '/account').catch(() => undefined)
    if (account?.email) return account.email
  }
  return `${userInfo().username}@local`
}

/**
 * Finds and opens the ledger: --ledger-url, else --ledger-database on the app,
 * else the app's own database (`main`, when the command already resolved it).
 * Creates or upgrades the heroku_privacy schema on the way.
 */
export async function openLedger(flags: LedgerFlags, opener: Opener, main?: ResolvedTarget): Promise<OpenLedger> {
  let target: ResolvedTarget['target']
  let api: HerokuApi | undefined = main?.heroku?.api
  if (flags['ledger-url']) {
    target = urlTarget(flags['ledger-url'], 'ledger ')
    if (flags.app) api ??= opener.api()
  } else if (flags['ledger-database'] && flags.app) {
    api ??= opener.api()
    target = targetOf(await resolveDatabase(api, {app: flags.app, database: flags['ledger-database']}))
  } else {
    const resolved = main ?? (await resolveTarget(flags, opener))
    target = resolved.target
    api ??= resolved.heroku?.api
  }
  const db = await opener.connect(target)
  try {
    await migrateLedger(db.pool, target.label).catch(error => {
      throw describeDatabaseError(error, target)
    })
    const appDatabaseUrl = flags['database-url'] ?? (flags.app ? undefined : opener.env.databaseUrl)
    const scope = flags.app ?? (appDatabaseUrl ? describeDatabaseUrl(appDatabaseUrl) : target.label)
    const actor = await actorFor(flags, api)
    return {ctx: {pool: db.pool, scope, actor, clock: () => new Date()}, label: target.label, close: () => db.close()}
  } catch (error) {
    await db.close()
    throw error
  }
}

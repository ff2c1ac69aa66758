import type {Database} from '../lib/db/connection.js'
import {PrivacyError} from '../lib/errors.js'
import {get} from '../lib/heroku/api.js'
import {fetchPostgresInfo, nameDatabaseUrl} from '../lib/heroku/postgres-info.js'
import type {ResolvedTarget} from './target.js'

/**
 * Commands that change the database refuse a follower (or any read-only
 * standby) up front, naming the leader to use, instead of failing later on a
 * Postgres "read-only transaction" error halfway through.
 */
export async function assertWritable(main: ResolvedTarget, db: Database, action: string): Promise<void> {
  const {
    rows: [state],
  } = await db.pool.query<{read_only: boolean}>("SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on' AS read_only")
  if (!state?.read_only) return
  const label = main.target.label
  if (!main.heroku) {
    throw new PrivacyError(`${label} is read-only (a follower or standby); ${action} needs the primary database: point --database-url at it.`, {
      code: 'read_only_database',
    })
  }
  const {api, database} = main.heroku
  const info = await fetchPostgresInfo(api, database.attachment.addon.id, label).catch(() => undefined)
  const app = database.attachment.app.name
  const config = info?.followingUrl ? await get<Record<string, string | null>>(api, `/apps/${encodeURIComponent(app)}/config-vars`).catch(() => ({})) : {}
  const leader = info?.followingUrl ? nameDatabaseUrl(info.followingUrl, config) : null
  throw new PrivacyError(
    leader
      ? `${label} is a follower of ${app}::${leader}, and followers are read-only: ${action} must run on the leader. Use --database ${leader} (or leave --database out if it is DATABASE).`
      : `${label} is read-only (a follower or standby); ${action} must run on the primary database. Name it with --database.`,
    {code: 'follower_read_only'},
  )
}

import type {DatabaseTarget} from '../db/connection.js'
import {PrivacyError} from '../errors.js'
import {HerokuApi, get} from './api.js'
import {fetchPostgresInfo} from './postgres-info.js'
import {HerokuDatabase, resolveDatabase, targetOf} from './resolve-database.js'

/**
 * A follower of the database, for reads that should not load the leader:
 * the Data API lists followers by URL; the app's config vars name them, and
 * resolving that name finds its bastion when it lives in a Private Space.
 */
export async function resolveFollower(api: HerokuApi, leader: HerokuDatabase): Promise<DatabaseTarget> {
  const info = await fetchPostgresInfo(api, leader.attachment.addon.id, leader.label)
  const app = leader.attachment.app.name
  const config = await get<Record<string, string | null>>(api, `/apps/${encodeURIComponent(app)}/config-vars`)
  for (const url of info.followerUrls) {
    const name = Object.keys(config).find(key => key.endsWith('_URL') && config[key] === url)
    if (name) return targetOf(await resolveDatabase(api, {app, database: name.replace(/_URL$/, '')}))
  }
  throw new PrivacyError(
    `${leader.label} has no follower this app can reach. Create one with \`heroku addons:create heroku-postgresql:PLAN -a ${app} -- --follow ${leader.configVar}\`, or read from the leader.`,
    {code: 'no_follower'},
  )
}

import {PrivacyError} from '../errors.js'
import {HerokuApi, get} from './api.js'
import {fetchPostgresInfo} from './postgres-info.js'
import type {HerokuDatabase} from './resolve-database.js'

/**
 * A follower of the database, for reads that should not load the leader:
 * the Data API lists followers by URL; the app's config vars name them.
 */
export async function resolveFollower(api: HerokuApi, leader: HerokuDatabase): Promise<{url: string; label: string}> {
  const info = await fetchPostgresInfo(api, leader.attachment.addon.id, leader.label)
  const config = await get<Record<string, string | null>>(api, `/apps/${encodeURIComponent(leader.attachment.app.name)}/config-vars`)
  for (const url of info.followerUrls) {
    const name = Object.keys(config).find(key => key.endsWith('_URL') && config[key] === url)
    if (name) return {url, label: `${leader.attachment.app.name}::${name.replace(/_URL$/, '')}`}
  }
  throw new PrivacyError(`${leader.label} has no follower this app can reach. Create one with \`heroku addons:create heroku-postgresql:PLAN -a ${leader.attachment.app.name} -- --follow ${leader.configVar}\`, or export from the leader without --from-follower.`, {code: 'no_follower'})
}

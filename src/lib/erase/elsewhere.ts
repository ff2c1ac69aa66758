import {HerokuApi, dataApiPath, get} from '../heroku/api.js'
import {fetchPostgresInfo, nameDatabaseUrl} from '../heroku/postgres-info.js'
import type {HerokuDatabase} from '../heroku/resolve-database.js'
import {backupName} from '../heroku/snapshots.js'
import type {Transfer} from '../heroku/types.js'

const LOGPLEX = "Logplex keeps about a week of the app's logs, out of reach of any API; lines about the person expire on their own"

/**
 * Copies of the person's data that an erasure of the database does not reach,
 * each with what the admin can do about it.
 */
export async function copiesElsewhere(api: HerokuApi | undefined, database: HerokuDatabase | undefined, before: Date): Promise<string[]> {
  if (!api || !database) {
    return ['Backups, forks and log drains are only visible with --app; check them by hand.', LOGPLEX]
  }
  const app = database.attachment.app.name
  const found: string[] = []
  const transfers = await get<Transfer[]>(api, dataApiPath(`/apps/${encodeURIComponent(app)}/transfers`), {service: 'data'}).catch(() => [])
  for (const t of transfers.filter(t => t.to_type === 'gof3r' && t.succeeded && new Date(t.created_at) <= before)) {
    found.push(
      `Backup ${backupName(t)} (${t.created_at.slice(0, 10)}) still holds the data until it expires on the schedule or is deleted: heroku pg:backups:delete ${backupName(t)} -a ${app}`,
    )
  }
  const info = await fetchPostgresInfo(api, database.attachment.addon.id, database.label).catch(() => undefined)
  const config = await get<Record<string, string | null>>(api, `/apps/${encodeURIComponent(app)}/config-vars`).catch(() => ({}))
  for (const url of info?.forkUrls ?? []) {
    const name = nameDatabaseUrl(url, config)
    found.push(`Fork ${name} was copied before this erasure: heroku privacy:reapply -a ${app} --database ${name}`)
  }
  for (const url of info?.followerUrls ?? []) found.push(`Follower ${nameDatabaseUrl(url, config)} replays this erasure by itself`)
  const drains = await get<Array<{url: string}>>(api, `/apps/${encodeURIComponent(app)}/log-drains`).catch(() => [])
  for (const drain of drains) {
    let host = 'a drain'
    try {
      host = new URL(drain.url).host
    } catch {}
    found.push(`Log drain ${host} may hold log lines about the person: erase them where the drain stores them`)
  }
  found.push(LOGPLEX)
  return found
}

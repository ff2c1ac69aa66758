import {HerokuApi, get} from '../heroku/api.js'
import {fetchPostgresInfo, nameDatabaseUrl} from '../heroku/postgres-info.js'
import {describeRegion} from '../heroku/region.js'
import {POSTGRES_SERVICE, fetchApp, resolveDatabase} from '../heroku/resolve-database.js'

export interface StoreEntry {
  store: string
  kind: 'postgres' | 'key-value' | 'kafka' | 'connect' | 'log-drain' | 'logplex' | 'other'
  plan: string | null
  details: string[]
  /** What this tool does for the store. */
  covered: string[]
  /** What the admin must handle by hand. */
  manual: string[]
}

const KIND_BY_SERVICE: Record<string, StoreEntry['kind']> = {
  [POSTGRES_SERVICE]: 'postgres',
  'heroku-redis': 'key-value',
  'heroku-key-value-store': 'key-value',
  'heroku-kafka': 'kafka',
  herokuconnect: 'connect',
}

const MANUAL: Record<StoreEntry['kind'], string[]> = {
  postgres: ['backups keep erased data until they expire or are deleted (privacy:snapshots)'],
  'key-value': [
    'cache or store: check its eviction policy and persistence; keys about a person must be deleted by the app, and expire at the latest by their TTL',
  ],
  kafka: ['topics keep messages for their retention period, and every consumer keeps its own copies: set retention, and erase downstream'],
  connect: ['Heroku Connect syncs with Salesforce: erase and restrict the person in Salesforce too (Connect writes local changes back)'],
  'log-drain': ['the drain keeps log lines wherever it stores them: export, redact and expire them there'],
  logplex: ['Logplex keeps about a week of recent logs, out of reach of any API; they expire on their own'],
  other: ['may receive personal data: decide, and document the processor agreement'],
}

/** Every place the app keeps data, from its add-ons, attachments and drains, with what this tool covers. */
export async function inventory(api: HerokuApi, appName: string): Promise<StoreEntry[]> {
  const app = await fetchApp(api, appName)
  const addons = await get<Array<{name: string; addon_service: {name: string}; plan: {name: string}; config_vars?: string[]}>>(
    api,
    `/apps/${encodeURIComponent(app.name)}/addons`,
  )
  const config = await get<Record<string, string | null>>(api, `/apps/${encodeURIComponent(app.name)}/config-vars`).catch(() => ({}))
  const entries: StoreEntry[] = []
  for (const addon of addons) {
    const service = addon.addon_service?.name ?? addon.plan.name.split(':')[0]!
    const kind = KIND_BY_SERVICE[service] ?? 'other'
    const entry: StoreEntry = {store: addon.name, kind, plan: addon.plan.name, details: [], covered: [], manual: [...MANUAL[kind]]}
    if (kind === 'postgres') {
      entry.covered = ['scan', 'export', 'restrict', 'erase', 'retention', 'reapply to forks and restores']
      const database = await resolveDatabase(api, {app: app.name, database: addon.name}).catch(() => undefined)
      const info = database ? await fetchPostgresInfo(api, database.attachment.addon.id, database.label).catch(() => undefined) : undefined
      if (database) entry.details.push(`attached as ${database.attachment.name}`)
      if (info) {
        entry.details.push(
          ...[
            `region ${describeRegion(app.region?.name)}`,
            info.encryptionAtRest && `encryption at rest: ${info.encryptionAtRest}`,
            info.followerUrls.length > 0 && `followers: ${info.followerUrls.map(u => nameDatabaseUrl(u, config)).join(', ')}`,
            info.forkUrls.length > 0 && `forks: ${info.forkUrls.map(u => nameDatabaseUrl(u, config)).join(', ')}`,
            info.followingUrl && `follows ${nameDatabaseUrl(info.followingUrl, config)}`,
          ].filter((d): d is string => Boolean(d)),
        )
      }
    }
    if (kind === 'connect') entry.covered = ['map its tables with connect: true (export, restriction; erasure with --include-connect)']
    entries.push(entry)
  }
  const drains = await get<Array<{url: string}>>(api, `/apps/${encodeURIComponent(app.name)}/log-drains`).catch(() => [])
  for (const drain of drains) {
    let host = 'a log drain'
    try {
      host = new URL(drain.url).host
    } catch {}
    entries.push({
      store: host,
      kind: 'log-drain',
      plan: null,
      details: [drain.url.startsWith('https://') || drain.url.startsWith('syslog+tls://') ? 'over TLS' : 'NOT over TLS'],
      covered: [],
      manual: [...MANUAL['log-drain']],
    })
  }
  entries.push({store: 'Logplex', kind: 'logplex', plan: null, details: [], covered: [], manual: [...MANUAL.logplex]})
  return entries
}

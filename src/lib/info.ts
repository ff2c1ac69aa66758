import {Database, DatabaseTarget, describeDatabaseError, openDatabase} from './db/connection.js'
import {ServerFacts, readServerFacts} from './db/server-facts.js'
import {HerokuApi, get} from './heroku/api.js'
import {describeHerokuFailure} from './heroku/describe-failure.js'
import {nameDatabaseUrl, fetchPostgresInfo} from './heroku/postgres-info.js'
import {HerokuDatabase} from './heroku/resolve-database.js'
import type {HerokuSpace} from './heroku/types.js'
import type {ProgressSink} from './progress.js'

export interface HerokuFacts {
  app: string
  attachment: string
  addon: string
  plan: string
  region: string | null
  space: {name: string; shield: boolean} | null
  status: string | null
  encryptionAtRest: string | null
  highAvailability: string | null
  continuousProtection: string | null
  rollback: string | null
  followers: string[]
  forks: string[]
  following: string | null
  forkedFrom: string | null
}

/** The shape `privacy:info --json` prints. */
export interface DatabaseReport {
  database: string
  source: 'heroku' | 'url'
  heroku: HerokuFacts | null
  postgres: ServerFacts
}

export interface DescribeDatabaseInput {
  target: DatabaseTarget
  /** Present when the database came from --app/--database. */
  heroku?: {api: HerokuApi; database: HerokuDatabase}
  /** How to open the database (through its bastion, with the caller's TLS settings); openDatabase by default. */
  connect?: (target: DatabaseTarget) => Promise<Database>
  progress?: ProgressSink
}

async function collectHerokuFacts(api: HerokuApi, database: HerokuDatabase): Promise<HerokuFacts> {
  const {app, attachment, label} = database
  const addonInfo = await fetchPostgresInfo(api, attachment.addon.id, label)
  const [space, config] = await Promise.all([
    app.space ? get<HerokuSpace>(api, `/spaces/${encodeURIComponent(app.space.id)}`) : Promise.resolve(null),
    get<Record<string, string | null>>(api, `/apps/${encodeURIComponent(attachment.app.name)}/config-vars`),
  ]).catch(error => {
    throw describeHerokuFailure(error, `reading ${app.name}'s space and config`)
  })
  const name = (url: string) => nameDatabaseUrl(url, config)
  return {
    app: attachment.app.name,
    attachment: attachment.name,
    addon: attachment.addon.name,
    plan: attachment.addon.plan.name,
    region: space?.region?.name ?? app.region?.name ?? addonInfo.region,
    space: space ? {name: space.name, shield: space.shield} : null,
    status: addonInfo.status,
    encryptionAtRest: addonInfo.encryptionAtRest,
    highAvailability: addonInfo.highAvailability,
    continuousProtection: addonInfo.continuousProtection,
    rollback: addonInfo.rollback,
    followers: addonInfo.followerUrls.map(name),
    forks: addonInfo.forkUrls.map(name),
    following: addonInfo.followingUrl ? name(addonInfo.followingUrl) : null,
    forkedFrom: addonInfo.forkedFromUrl ? name(addonInfo.forkedFromUrl) : null,
  }
}

/** What `privacy:info` reports: which database was picked, where it lives, and what is in it. */
export async function describeDatabase(input: DescribeDatabaseInput): Promise<DatabaseReport> {
  const {target, progress} = input
  let heroku: HerokuFacts | null = null
  if (input.heroku) {
    progress?.({kind: 'step', message: `reading Heroku facts for ${target.label}`})
    heroku = await collectHerokuFacts(input.heroku.api, input.heroku.database)
  }
  progress?.({
    kind: 'step',
    message: target.bastion ? `opening an SSH tunnel to ${target.label} through the bastion ${target.bastion.host}` : `connecting to ${target.label}`,
  })
  const db = await (input.connect ?? openDatabase)(target)
  try {
    const postgres = await readServerFacts(db.pool).catch(error => {
      throw describeDatabaseError(error, target)
    })
    return {database: target.label, source: input.heroku ? 'heroku' : 'url', heroku, postgres}
  } finally {
    await db.close()
  }
}

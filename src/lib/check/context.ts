import type pg from 'pg'

import type {MapDrift} from '../datamap/diff.js'
import type {ReviewMark} from '../datamap/processing.js'
import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'
import {HerokuApi, dataApiPath, get} from '../heroku/api.js'
import {PostgresAddonInfo, fetchPostgresInfo} from '../heroku/postgres-info.js'
import {HerokuDatabase, POSTGRES_SERVICE, fetchApp} from '../heroku/resolve-database.js'
import type {HerokuApp, HerokuSpace, Transfer} from '../heroku/types.js'
import type {PrivacyRequest} from '../ledger/requests.js'
import type {LedgerEvent} from '../ledger/events.js'
import type {SnapshotStatus} from '../reconcile/snapshots.js'

export interface Collaborator {
  role: string | null
  permissions: Array<{name: string}>
  user: {email: string; federated?: boolean}
}

/** GET /teams/{team}/members: the only place the API tells whether someone uses two-factor authentication. */
export interface TeamMember {
  email: string
  role: string | null
  two_factor_authentication: boolean
}

export interface AddonSummary {
  name: string
  service: string
  plan: string
}

/** Everything the rules look at for one app, gathered once. */
export interface CheckContext {
  app: HerokuApp
  space: HerokuSpace | null
  addons: AddonSummary[]
  drains: Array<{url: string}>
  collaborators: Collaborator[]
  /** The members of the app's team, with their two-factor status; null for an app outside a team (or a team we may not list). */
  teamMembers: TeamMember[] | null
  database?: {resolved: HerokuDatabase; info: PostgresAddonInfo; schedules: unknown[]; transfers: Transfer[]; tls?: boolean}
  map?: DataMap
  /** The live schema, read when there is a map to compare it with. */
  schema?: SchemaInfo
  /** Entries of the map still marked `review: true`, with their file and line. */
  mapReview?: Array<ReviewMark & {file: string}>
  drift?: MapDrift
  requests?: PrivacyRequest[]
  events?: LedgerEvent[]
  snapshots?: SnapshotStatus[]
  now: Date
  maxAdmins: number
}

/** What the Platform API says about an app; the database, map and ledger parts are added by the caller. */
export async function gatherPlatform(api: HerokuApi, appName: string, now: Date): Promise<Omit<CheckContext, 'maxAdmins'>> {
  const app = await fetchApp(api, appName)
  const [space, addons, drains, collaborators, teamMembers] = await Promise.all([
    app.space ? get<HerokuSpace>(api, `/spaces/${encodeURIComponent(app.space.id)}`) : Promise.resolve(null),
    get<Array<{name: string; addon_service: {name: string}; plan: {name: string}}>>(api, `/apps/${encodeURIComponent(app.name)}/addons`),
    get<Array<{url: string}>>(api, `/apps/${encodeURIComponent(app.name)}/log-drains`).catch(() => []),
    get<Collaborator[]>(api, `/apps/${encodeURIComponent(app.name)}/collaborators`).catch(() => []),
    app.team ? get<TeamMember[]>(api, `/teams/${encodeURIComponent(app.team.name)}/members`).catch(() => null) : Promise.resolve(null),
  ])
  return {
    app,
    space,
    drains,
    collaborators,
    teamMembers,
    now,
    addons: addons.map(a => ({name: a.name, service: a.addon_service?.name ?? a.plan.name.split(':')[0]!, plan: a.plan.name})),
  }
}

/** What the Data API says about the app's database: plan facts, backup schedules and transfers. */
export async function gatherDatabase(api: HerokuApi, database: HerokuDatabase): Promise<NonNullable<CheckContext['database']>> {
  const [info, schedules, transfers] = await Promise.all([
    fetchPostgresInfo(api, database.attachment.addon.id, database.label),
    get<unknown[]>(api, dataApiPath(`/databases/${encodeURIComponent(database.attachment.addon.id)}/transfer-schedules`), {service: 'data'}).catch(() => []),
    get<Transfer[]>(api, dataApiPath(`/apps/${encodeURIComponent(database.attachment.app.name)}/transfers`), {service: 'data'}).catch(() => []),
  ])
  return {resolved: database, info, schedules, transfers}
}

export function hasPostgres(context: Pick<CheckContext, 'addons'>): boolean {
  return context.addons.some(a => a.service === POSTGRES_SERVICE)
}

export async function databaseUsesTls(pool: pg.Pool): Promise<boolean> {
  const {rows} = await pool.query<{ssl: boolean | null}>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
  return rows[0]?.ssl === true
}

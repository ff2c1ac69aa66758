import {PrivacyError} from '../errors.js'
import {HerokuApi, HerokuApiError, dataApiPath, get} from './api.js'
import {describeHerokuFailure} from './describe-failure.js'
import type {PgDatabaseInfo} from './types.js'

/** What the Data API says about a Heroku Postgres database, in the terms an admin asks about. */
export interface PostgresAddonInfo {
  plan: string | null
  status: string | null
  region: string | null
  createdAt: string | null
  encryptionAtRest: string | null
  highAvailability: string | null
  continuousProtection: string | null
  rollback: string | null
  /** Databases that follow this one, as URLs (never shown: map them to config var names first). */
  followerUrls: string[]
  forkUrls: string[]
  followingUrl: string | null
  forkedFromUrl: string | null
  raw: PgDatabaseInfo
}

function values(info: PgDatabaseInfo, name: string): string[] {
  return info.info.find(entry => entry.name === name)?.values ?? []
}

function first(info: PgDatabaseInfo, name: string): string | null {
  return values(info, name)[0] ?? null
}

export function parsePostgresInfo(info: PgDatabaseInfo): PostgresAddonInfo {
  return {
    plan: first(info, 'Plan') ?? info.plan ?? null,
    status: first(info, 'Status'),
    region: first(info, 'Region'),
    createdAt: first(info, 'Created') ?? info.created_at ?? null,
    encryptionAtRest: first(info, 'Data Encryption'),
    highAvailability: first(info, 'HA Status'),
    continuousProtection: first(info, 'Continuous Protection'),
    rollback: first(info, 'Rollback'),
    followerUrls: values(info, 'Followers'),
    forkUrls: values(info, 'Forks'),
    followingUrl: first(info, 'Following') ?? info.following ?? null,
    forkedFromUrl: first(info, 'Forked From') ?? info.forked_from ?? null,
    raw: info,
  }
}

export async function fetchPostgresInfo(api: HerokuApi, addonId: string, label: string): Promise<PostgresAddonInfo> {
  try {
    const info = await get<PgDatabaseInfo>(api, dataApiPath(`/databases/${encodeURIComponent(addonId)}`), {service: 'data'})
    return parsePostgresInfo(info)
  } catch (error) {
    if (error instanceof HerokuApiError && error.status === 404) {
      throw new PrivacyError(`${label} is not provisioned yet. Wait with \`heroku pg:wait\` and try again.`, {code: 'not_provisioned'})
    }
    throw describeHerokuFailure(error, `reading database info for ${label}`)
  }
}

/**
 * Names a database URL the way the heroku CLI does: by the config var that
 * holds it, else host:port/database — never with credentials. The user name
 * is part of the match because a follower can share a host with its leader.
 */
export function nameDatabaseUrl(url: string, configVars: Record<string, string | null>): string {
  const key = (u: string) => {
    try {
      const p = new URL(u)
      return `${p.protocol}//${p.username}@${p.hostname}:${p.port}${p.pathname}`
    } catch {
      return u
    }
  }
  const wanted = key(url)
  const match = Object.entries(configVars).find(([name, value]) => name.endsWith('_URL') && value && key(value) === wanted)
  if (match) return match[0].replace(/_URL$/, '')
  try {
    const p = new URL(url)
    return `${p.hostname}${p.port ? `:${p.port}` : ''}${p.pathname}`
  } catch {
    return 'an unnamed database'
  }
}

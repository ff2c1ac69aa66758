/** The parts of Platform API and Data API bodies this project reads. */

export interface NamedRef {
  id: string
  name: string
}

export interface HerokuApp extends NamedRef {
  region?: {name: string} | null
  space?: {id: string; name: string; shield?: boolean} | null
  generation?: {name: string} | string | null
  owner?: {email: string} | null
  team?: {name: string} | null
}

export interface HerokuSpace extends NamedRef {
  shield: boolean
  region?: {name: string}
  log_drain_url?: string | null
}

export interface AddonAttachment extends NamedRef {
  namespace: string | null
  config_vars?: string[]
  app: NamedRef
  addon: NamedRef & {app: NamedRef; plan: {id?: string; name: string}}
}

export interface PgInfoEntry {
  name: string
  values: string[]
  resolve_db_name?: boolean
}

/** GET /client/v11/databases/{addon_id} */
export interface PgDatabaseInfo {
  addon_id: string
  name?: string
  plan?: string
  created_at?: string
  num_bytes?: number
  num_tables?: number
  postgres_version?: string
  following?: string | null
  leader?: unknown
  forked_from?: string | null
  info: PgInfoEntry[]
}

export interface Transfer {
  uuid: string
  num: number
  from_name: string
  from_type: string
  to_name: string
  to_type: string
  succeeded: boolean
  created_at: string
  started_at: string | null
  finished_at: string | null
  processed_bytes: number
  source_bytes?: number
}

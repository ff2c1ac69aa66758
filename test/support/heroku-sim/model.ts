import {randomUUID} from 'node:crypto'

/** The simulator's world: plain records, shaped after what the Platform and Data APIs return. */

export interface SimSpace {
  id: string
  name: string
  shield: boolean
  region: string
  logDrainUrl: string | null
  /** False for a space the account is not a member of: the API answers 403 about it. */
  accountCanSee: boolean
}

export interface SimTeamMember {
  email: string
  role: 'admin' | 'member' | 'viewer' | 'collaborator'
  twoFactor: boolean
  federated: boolean
}

export interface SimCollaborator {
  id: string
  email: string
  role: 'admin' | 'member' | 'owner' | 'collaborator' | 'viewer'
  twoFactor: boolean
  federated: boolean
  permissions: string[]
}

export interface SimDrain {
  id: string
  url: string
  token: string
  createdAt: string
}

export interface SimApp {
  id: string
  name: string
  region: string
  generation: 'cedar' | 'fir'
  ownerEmail: string
  team: string | null
  spaceId: string | null
  createdAt: string
  config: Record<string, string>
  collaborators: SimCollaborator[]
  drains: SimDrain[]
}

export interface SimDatabase {
  /** Name of the real database on the harness's server. */
  databaseName: string
  role: string
  password: string
  /** Add-on id of the leader this database follows (a read-only role on the same database). */
  followerOf: string | null
  forkedFrom: string | null
  highAvailability: boolean
  continuousProtection: boolean
}

export interface SimAddon {
  id: string
  name: string
  appId: string
  plan: string
  state: 'provisioning' | 'provisioned' | 'deprovisioned'
  createdAt: string
  database: SimDatabase | null
  /** Config-var prefix of the add-on's color attachment (HEROKU_POSTGRESQL_ROSE). */
  colorName: string
}

export interface SimAttachment {
  id: string
  name: string
  appId: string
  addonId: string
  namespace: string | null
  createdAt: string
}

export interface SimTransfer {
  uuid: string
  num: number
  appId: string
  addonId: string
  fromName: string
  toName: string
  fromType: 'pg_dump' | 'gof3r'
  toType: 'gof3r' | 'pg_restore'
  /** How the snapshot is kept: a real pg_dump file, or a copy of the database when no pg_dump matches the server. */
  method: 'pg_dump' | 'database_copy'
  file: string | null
  copyDatabase: string | null
  succeeded: boolean
  error: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  deletedAt: string | null
  processedBytes: number
  scheduled: boolean
}

export interface SimSchedule {
  uuid: string
  addonId: string
  name: string
  hour: number
  timezone: string
  createdAt: string
}

export interface SimAccount {
  id: string
  email: string
  name: string
  twoFactor: boolean
}

export const newId = () => randomUUID()

const COLORS = ['ROSE', 'AMBER', 'CYAN', 'OLIVE', 'PUCE', 'TEAL', 'NAVY', 'GOLD', 'SILVER', 'CRIMSON', 'WHITE', 'BRONZE']

export function colorFor(index: number): string {
  return `HEROKU_POSTGRESQL_${COLORS[index % COLORS.length]}${index >= COLORS.length ? `_${Math.floor(index / COLORS.length)}` : ''}`
}

export const PLAN_LABELS: Record<string, string> = {
  'essential-0': 'Essential 0',
  'essential-1': 'Essential 1',
  'standard-0': 'Standard 0',
  'premium-0': 'Premium 0',
  'private-0': 'Private 0',
  'shield-0': 'Shield 0',
}

export function planLabel(plan: string): string {
  const tier = plan.split(':')[1] ?? plan
  return PLAN_LABELS[tier] ?? tier
}

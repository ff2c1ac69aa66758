import {PrivacyError} from '../errors.js'
import {HerokuApi, dataApiPath, get} from '../heroku/api.js'
import {fetchPostgresInfo} from '../heroku/postgres-info.js'
import type {HerokuDatabase} from '../heroku/resolve-database.js'
import {backupName} from '../heroku/snapshots.js'
import type {Transfer} from '../heroku/types.js'

export interface PointInTime {
  kind: 'restore' | 'fork' | 'given' | 'primary'
  /** The moment the target's data is from: everything recorded after it must be re-applied. */
  at: Date
  source: string
}

/**
 * When a copy's data is from, as the Data API tells it: the backup a restore
 * came from (its capture time), or a fork's (or rollback's) creation.
 */
export async function targetPointInTime(api: HerokuApi, target: HerokuDatabase, leader: HerokuDatabase): Promise<PointInTime> {
  if (target.attachment.addon.id === leader.attachment.addon.id) return {kind: 'primary', at: new Date(), source: 'the primary database'}
  const app = target.attachment.addon.app.name
  const transfers = await get<Transfer[]>(api, dataApiPath(`/apps/${encodeURIComponent(app)}/transfers`), {service: 'data'})
  const restore = transfers
    .filter(t => t.to_type === 'pg_restore' && t.succeeded && t.to_name === target.attachment.name)
    .sort((a, b) => a.created_at.localeCompare(b.created_at))
    .at(-1)
  if (restore) {
    const backup = transfers.find(t => t.to_type === 'gof3r' && backupName(t) === restore.from_name)
    if (backup) return {kind: 'restore', at: new Date(backup.started_at ?? backup.created_at), source: `restore of backup ${restore.from_name}`}
  }
  const info = await fetchPostgresInfo(api, target.attachment.addon.id, target.label)
  if (info.forkedFromUrl) return {kind: 'fork', at: new Date(info.raw.created_at ?? 0), source: 'fork'}
  throw new PrivacyError(`Cannot tell from Heroku when the data in ${target.label} is from (it is neither a fork nor a restore the Data API knows about).`, {
    code: 'point_in_time_unknown',
  })
}

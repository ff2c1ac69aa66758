import {HerokuApi, dataApiPath, get} from '../heroku/api.js'
import {fetchPostgresInfo, nameDatabaseUrl} from '../heroku/postgres-info.js'
import {HerokuDatabase, resolveDatabase} from '../heroku/resolve-database.js'
import {backupName} from '../heroku/snapshots.js'
import type {Transfer} from '../heroku/types.js'
import type {LedgerContext} from '../ledger/context.js'
import {LedgerEvent, listEvents} from '../ledger/events.js'
import {plural} from '../ui/words.js'

const TRACKED = ['erasure.executed', 'retention.batch', 'restriction.created', 'restriction.extended']

export interface SnapshotStatus {
  kind: 'backup' | 'fork' | 'follower'
  name: string
  createdAt: string | null
  /** Recorded erasures and restrictions that happened after the copy was made: the copy still holds what they removed. */
  predates: Array<{seq: number; action: string; requestId: string | null}>
  /** Requests whose erased or restricted people the copy still holds. */
  requests: string[]
  reconciled: boolean | null
  /** In words, what the copy still holds that the database no longer does ("holds 2 erasures not re-applied: R-2026-0003, R-2026-0005"). */
  holds: string
  note: string
}

const isErasure = (action: string) => action === 'erasure.executed' || action === 'retention.batch'

/** What a copy still holds, in words: the erasures and restrictions made since it was taken that it does not reflect. */
export function describeHolds(kind: SnapshotStatus['kind'], predates: SnapshotStatus['predates'], reapplied: Set<number> = new Set()): string {
  if (kind === 'follower') return "nothing of its own: it replays the leader's changes"
  const missing = predates.filter(p => !reapplied.has(p.seq))
  if (predates.length === 0) return 'nothing erased or restricted since it was made'
  if (missing.length === 0) return `nothing: ${plural(predates.length, 'change')} made since ${predates.length === 1 ? 'was' : 'were'} re-applied`
  const erasures = missing.filter(p => isErasure(p.action))
  const restrictions = missing.filter(p => !isErasure(p.action))
  const what = [erasures.length > 0 ? plural(erasures.length, 'erasure') : '', restrictions.length > 0 ? plural(restrictions.length, 'restriction') : '']
    .filter(Boolean)
    .join(' and ')
  const which = missing.map(p => p.requestId ?? `event ${p.seq}`)
  const verb = kind === 'backup' ? 'made since (a backup cannot be changed)' : 'not re-applied'
  return `holds ${what} ${verb}: ${[...new Set(which)].join(', ')}`
}

function predatedBy(events: LedgerEvent[], createdAt: string | null): LedgerEvent[] {
  if (!createdAt) return []
  return events.filter(e => TRACKED.includes(e.action) && new Date(e.at) > new Date(createdAt))
}

function summarise(events: LedgerEvent[]): Pick<SnapshotStatus, 'predates' | 'requests'> {
  return {
    predates: events.map(e => ({seq: e.seq, action: e.action, requestId: e.requestId})),
    requests: [...new Set(events.map(e => e.requestId).filter((r): r is string => Boolean(r)))],
  }
}

/**
 * Every copy of the app's database Heroku keeps — backups, forks, followers —
 * and, for each, the erasures and restrictions it predates and whether it was
 * reconciled since. Backups cannot be edited: they are listed with how long
 * they are kept, so they can be deleted or their keeping documented.
 */
export async function listSnapshots(api: HerokuApi, leader: HerokuDatabase, ledger: LedgerContext): Promise<SnapshotStatus[]> {
  const app = leader.attachment.app.name
  const events = await listEvents(ledger.pool, {scope: ledger.scope, limit: 1_000_000})
  const reconciledSeqs = (target: string) =>
    new Set(events.filter(e => e.action === 'reconciliation' && e.details.target === target).flatMap(e => e.details.applied as number[]))
  const result: SnapshotStatus[] = []
  const transfers = await get<Transfer[]>(api, dataApiPath(`/apps/${encodeURIComponent(app)}/transfers`), {service: 'data'})
  for (const t of transfers.filter(t => t.to_type === 'gof3r' && t.succeeded)) {
    const scheduled = (t as Transfer & {schedule?: unknown}).schedule
    result.push({
      kind: 'backup',
      name: backupName(t),
      createdAt: t.created_at,
      ...summarise(predatedBy(events, t.created_at)),
      reconciled: null,
      holds: describeHolds('backup', summarise(predatedBy(events, t.created_at)).predates),
      note: scheduled
        ? 'scheduled backup: Heroku keeps daily backups for 7 days and weekly ones for a few weeks, then deletes them'
        : `manual backup: kept until deleted (heroku pg:backups:delete ${backupName(t)} -a ${app}) or pushed out by newer manual backups under the plan's limit`,
    })
  }
  const info = await fetchPostgresInfo(api, leader.attachment.addon.id, leader.label)
  const config = await get<Record<string, string | null>>(api, `/apps/${encodeURIComponent(app)}/config-vars`)
  for (const url of info.forkUrls) {
    const name = nameDatabaseUrl(url, config)
    const fork = await resolveDatabase(api, {app, database: name}).catch(() => undefined)
    const forkInfo = fork ? await fetchPostgresInfo(api, fork.attachment.addon.id, fork.label).catch(() => undefined) : undefined
    const createdAt = forkInfo?.raw.created_at ?? null
    const predates = predatedBy(events, createdAt)
    const done = reconciledSeqs(`${app}::${name}`)
    result.push({
      kind: 'fork',
      name,
      createdAt,
      ...summarise(predates),
      reconciled: predates.every(e => done.has(e.seq)),
      holds: describeHolds('fork', summarise(predates).predates, done),
      note: `reconcile with heroku privacy:reapply -a ${app} --database ${name}`,
    })
  }
  for (const url of info.followerUrls) {
    result.push({
      kind: 'follower',
      name: nameDatabaseUrl(url, config),
      createdAt: null,
      predates: [],
      requests: [],
      reconciled: true,
      holds: describeHolds('follower', []),
      note: "followers replay the leader's changes by themselves",
    })
  }
  return result
}

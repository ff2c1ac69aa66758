import type {DatabaseTarget} from '../lib/db/connection.js'
import {usageError} from '../lib/errors.js'
import type {HerokuDatabase} from '../lib/heroku/resolve-database.js'
import {resolveDatabase, targetOf} from '../lib/heroku/resolve-database.js'
import {PointInTime, targetPointInTime} from '../lib/reconcile/point-in-time.js'
import type {LedgerFlags} from './ledger.js'
import {Opener, ResolvedTarget, resolveTarget, urlTarget} from './target.js'

export interface CopyFlags extends LedgerFlags {
  since?: string
}

export type ResolvedCopy = {kind: 'copy'; target: DatabaseTarget; since: PointInTime; primary?: ResolvedTarget} | {kind: 'primary'; database: HerokuDatabase}

/**
 * The copy privacy:reapply reconciles, when its data is from, and the primary
 * whose database keeps the ledger: -a APP --database ATTACHMENT on Heroku (the
 * Data API says when), or --database-url with --since for a copy restored
 * outside Heroku.
 */
export async function resolveCopy(flags: CopyFlags, opener: Pick<Opener, 'env' | 'api'>): Promise<ResolvedCopy> {
  const given = flags.since === undefined ? undefined : new Date(flags.since)
  if (given && Number.isNaN(given.getTime())) throw usageError(`--since must be a time such as 2026-11-20T02:00:00Z (got ${flags.since}).`)
  const since: PointInTime | undefined = given ? {kind: 'given', at: given, source: '--since'} : undefined
  if (flags['database-url']) {
    if (flags.database) throw usageError('--database names a Heroku attachment and cannot be combined with --database-url; use one of them.')
    if (!since) throw usageError('Heroku cannot tell when a copy restored outside it is from: pass --since with the time of the backup it came from.')
    if (!flags['ledger-url'] && !flags.app)
      throw usageError('Name the ledger the erasures were recorded in: --ledger-url, or --app for the ledger in the app database.')
    const primary = flags.app && !flags['ledger-url'] ? await resolveTarget({app: flags.app, database: flags['ledger-database']}, opener) : undefined
    return {kind: 'copy', target: urlTarget(flags['database-url']), since, primary}
  }
  if (!flags.app || !flags.database)
    throw usageError('Name the copy to reconcile: -a APP --database ATTACHMENT, or --database-url for a copy restored outside Heroku.')
  const api = opener.api()
  const leader = await resolveDatabase(api, {app: flags.app})
  const copy = await resolveDatabase(api, {app: flags.app, database: flags.database})
  const at = since ?? (await targetPointInTime(api, copy, leader))
  if (at.kind === 'primary') return {kind: 'primary', database: copy}
  return {kind: 'copy', target: targetOf(copy), since: at, primary: {target: targetOf(leader), heroku: {api, database: leader}}}
}

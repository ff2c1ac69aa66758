import type pg from 'pg'

import {PrivacyError} from '../errors.js'
import type {HerokuApi} from '../heroku/api.js'
import type {HerokuDatabase} from '../heroku/resolve-database.js'
import {SnapshotRecord, WaitOptions, captureBackup, createFork} from '../heroku/snapshots.js'
import type {LedgerContext} from '../ledger/context.js'
import type {LedgerEvent} from '../ledger/events.js'
import {ledgerKey} from '../ledger/fingerprint.js'
import {LedgerHead, headAfter} from '../ledger/head.js'
import {getRequest} from '../ledger/requests.js'
import type {SubjectLookup} from '../subject/parse.js'
import {migrateRegistry} from './migrate.js'
import {recordBypasses, recordLift, recordRestrictions, recordSnapshot} from './ledger-events.js'
import {ActiveRestriction, RestrictSummary, RestrictionOrder, activeRestrictions, markLifted, registerRestrictions} from './registry.js'

export {RESTRICTION_REASONS} from './registry.js'
export type {ActiveRestriction, RestrictSummary, RestrictionReason} from './registry.js'

export interface RegistryAndLedger {
  /** The app database, where the registry, views and triggers live. */
  registry: pg.Pool
  registryLabel: string
  ledger: LedgerContext
  /** The ledger is in the app database: registry changes and ledger events commit together. */
  sameDatabase: boolean
}

export interface RestrictRequest extends RegistryAndLedger, RestrictionOrder {
  snapshot: 'backup' | 'fork' | 'none'
  heroku?: {api: HerokuApi; database: HerokuDatabase}
  wait: WaitOptions
}

/**
 * `privacy:restrict`: for a legal hold, first a real snapshot (backup or fork)
 * — if it fails, nothing is recorded — then the registry, views and triggers
 * in one transaction, and the ledger events with the primary keys covered.
 */
export async function restrictPeople(input: RestrictRequest): Promise<RestrictSummary & {snapshot: SnapshotRecord | null; ledgerHead: LedgerHead | null}> {
  if (input.requestId) await getRequest(input.ledger, input.requestId)
  if (input.legalHold && input.snapshot !== 'none' && !input.heroku) {
    throw new PrivacyError('A legal hold takes a snapshot through Heroku, and this database was not reached through Heroku.', {code: 'snapshot_needs_heroku'})
  }
  await migrateRegistry(input.registry, input.registryLabel)
  const key = await ledgerKey(input.ledger.pool, input.ledger.scope)
  let snapshot: SnapshotRecord | null = null
  const recorded: Array<LedgerEvent | undefined> = []
  if (input.legalHold && input.snapshot !== 'none' && input.heroku) {
    snapshot =
      input.snapshot === 'fork'
        ? await createFork(input.heroku.api, input.heroku.database, input.wait)
        : await captureBackup(input.heroku.api, input.heroku.database, input.wait)
    recorded.push(await recordSnapshot(input.ledger, snapshot, input.requestId))
  }
  const record = {key, reason: input.reason, requestId: input.requestId, enforce: input.enforce}
  const summary = await registerRestrictions({
    pool: input.registry,
    mapFile: input.mapFile,
    subjects: input.subjects,
    kinds: input.kinds,
    reason: input.reason,
    requestId: input.requestId,
    legalHold: input.legalHold,
    snapshot,
    enforce: input.enforce,
    scope: input.ledger.scope,
    actor: input.ledger.actor,
    key,
    clock: input.ledger.clock,
    withinTransaction: input.sameDatabase
      ? async (client, done) => {
          recorded.push(await recordRestrictions(input.ledger, done, {...record, registry: client, ledgerClient: client}))
        }
      : undefined,
  })
  if (!input.sameDatabase) recorded.push(await recordRestrictions(input.ledger, summary, {...record, registry: input.registry}))
  return {...summary, snapshot, ledgerHead: headAfter(recorded)}
}

export interface LiftRequest extends RegistryAndLedger {
  subjects: SubjectLookup[]
  approvedBy?: string
  evidence?: string
  releaseHold: boolean
  dryRun: boolean
}

/** `privacy:restrict:lift`: records the bypasses logged since, lifts the people's restrictions and records the lift with its approval. */
export async function liftRestrictions(input: LiftRequest): Promise<{lifted: ActiveRestriction[]; ledgerHead: LedgerHead | null}> {
  await migrateRegistry(input.registry, input.registryLabel)
  const recorded: Array<LedgerEvent | undefined> = [(await recordBypasses(input.ledger, input.registry)).last]
  const key = await ledgerKey(input.ledger.pool, input.ledger.scope)
  const approval = {approvedBy: input.approvedBy ?? '', evidence: input.evidence ?? ''}
  const lifted = await markLifted({
    pool: input.registry,
    scope: input.ledger.scope,
    subjects: input.subjects,
    key,
    approvedBy: input.approvedBy,
    evidence: input.evidence,
    releaseHold: input.releaseHold,
    dryRun: input.dryRun,
    actor: input.ledger.actor,
    clock: input.ledger.clock,
    withinTransaction: input.sameDatabase
      ? async (client, done) => {
          recorded.push(await recordLift(input.ledger, done, {...approval, ledgerClient: client}))
        }
      : undefined,
  })
  if (!input.sameDatabase && !input.dryRun) recorded.push(await recordLift(input.ledger, lifted, approval))
  return {lifted, ledgerHead: headAfter(recorded)}
}

export interface RestrictionListing extends ActiveRestriction {
  dueOn: string | null
}

/** `privacy:restrict:list`: the active restrictions with their requests' due dates, after recording the bypasses logged since. */
export async function listRestrictions(
  input: RegistryAndLedger,
): Promise<{restrictions: RestrictionListing[]; bypassesRecorded: number; ledgerHead: LedgerHead | null}> {
  await migrateRegistry(input.registry, input.registryLabel)
  const bypasses = await recordBypasses(input.ledger, input.registry)
  const active = await activeRestrictions(input.registry, input.ledger.scope, input.ledger.clock)
  const restrictions = await Promise.all(
    active.map(async r => ({
      ...r,
      dueOn: r.requestId ? ((await getRequest(input.ledger, r.requestId).catch(() => undefined))?.dueOn ?? null) : null,
    })),
  )
  return {restrictions, bypassesRecorded: bypasses.count, ledgerHead: headAfter([bypasses.last])}
}

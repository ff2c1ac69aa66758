import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'

import type pg from 'pg'

import {ExitCode, PrivacyError} from '../errors.js'
import type {SubjectLookup} from '../subject/parse.js'
import type {LedgerContext} from './context.js'
import {appendEvent} from './events.js'
import {fingerprint, ledgerKey} from './fingerprint.js'
import {LedgerHead, formatHead} from './head.js'
import type {RequestKind} from './request-kinds.js'

/** One app a request covers, and the data map that describes its database. */
export interface ScopeApp {
  app: string
  map: string
}

/** What an app must have had done before a request can close: erased (erasure), exported (access, portability). */
export type AppStep = 'erasure' | 'export'

export interface AppStatus extends ScopeApp {
  /** The step this request needs in each app, or null when its kind needs none the tool does. */
  step: AppStep | null
  done: boolean
  /** When the step was recorded as done, and the event that did it in the app's own ledger (SEQ:HASH). */
  doneAt: string | null
  appLedgerHead: string | null
}

export const APP_DONE = 'request.app_done'

export function stepFor(kind: RequestKind): AppStep | null {
  if (kind === 'erasure') return 'erasure'
  if (kind === 'access' || kind === 'portability') return 'export'
  return null
}

/**
 * The one rule for finding an app's map in a request across apps:
 * `privacy.<app>.yml` in the folder of --map (privacy.yml by default).
 */
export function mapPathFor(app: string, mapFlag: string): string {
  return join(dirname(mapFlag), `privacy.${app}.yml`)
}

/** Every app's map, refusing (before anything is recorded) when one is missing. */
export function scopeWithMaps(apps: string[], mapFlag: string): ScopeApp[] {
  const unique = [...new Set(apps)]
  const scope = unique.map(app => ({app, map: mapPathFor(app, mapFlag)}))
  const missing = scope.filter(s => !existsSync(s.map))
  if (missing.length > 0) {
    throw new PrivacyError(
      `No data map for ${missing.map(s => `${s.app} (expected ${s.map})`).join(', ')}; write one with \`heroku privacy:scan -a ${missing[0]!.app} --out ${missing[0]!.map}\` and review it, or leave the app out. Nothing was recorded.`,
      {code: 'no_map', exitCode: ExitCode.usage},
    )
  }
  return scope
}

/** The apps a request was opened for (from its open event), or null for a request about one app. */
export async function requestScope(db: pg.Pool | pg.ClientBase, id: string): Promise<ScopeApp[] | null> {
  const {rows} = await db.query<{apps: ScopeApp[] | null}>(
    `SELECT details->'apps' AS apps FROM heroku_privacy.events WHERE request_id = $1 AND action = 'request.opened' ORDER BY seq LIMIT 1`,
    [id],
  )
  return rows[0]?.apps ?? null
}

/** Per-app status of requests across apps, by request id (requests about one app are absent). */
export async function appStatuses(db: pg.Pool | pg.ClientBase, requests: Array<{id: string; kind: RequestKind}>): Promise<Map<string, AppStatus[]>> {
  const result = new Map<string, AppStatus[]>()
  if (requests.length === 0) return result
  const {rows} = await db.query<{request_id: string; action: string; details: Record<string, unknown>; at: Date}>(
    `SELECT request_id, action, details, at FROM heroku_privacy.events WHERE request_id = ANY($1) AND action IN ('request.opened', $2) ORDER BY seq`,
    [requests.map(r => r.id), APP_DONE],
  )
  for (const request of requests) {
    const events = rows.filter(row => row.request_id === request.id)
    const apps = events.find(e => e.action === 'request.opened')?.details.apps as ScopeApp[] | undefined
    if (!apps) continue
    const step = stepFor(request.kind)
    result.set(
      request.id,
      apps.map(scope => {
        const done = events.find(e => e.action === APP_DONE && e.details.app === scope.app && e.details.step === step)
        return {
          ...scope,
          step,
          done: step !== null && done !== undefined,
          doneAt: done?.at.toISOString() ?? null,
          appLedgerHead: (done?.details.app_ledger_head as string | undefined) ?? null,
        }
      }),
    )
  }
  return result
}

/** The apps whose step is not done yet, in the order the request names them. */
export function pendingApps(statuses: AppStatus[]): AppStatus[] {
  return statuses.filter(s => s.step !== null && !s.done)
}

export interface AppDone {
  app: string
  step: AppStep
  /** Where the app's own event is, by label (no credentials), and that event's head. */
  appLedger: string
  appLedgerHead: LedgerHead | null
  details?: Record<string, unknown>
}

/** Records on the request that one app's step is done; returns the request ledger's new head. */
export async function recordAppDone(ctx: LedgerContext, requestId: string, done: AppDone): Promise<LedgerHead> {
  const event = await appendEvent(ctx, {
    action: APP_DONE,
    requestId,
    details: {app: done.app, step: done.step, app_ledger: done.appLedger, app_ledger_head: done.appLedgerHead, ...done.details},
  })
  return formatHead(event)
}

/** Refuses (exit 4) to close a request across apps while an app in its scope is not done. */
export async function assertAppsDone(client: pg.ClientBase, request: {id: string; kind: RequestKind}): Promise<void> {
  const statuses = (await appStatuses(client, [request])).get(request.id)
  if (!statuses) return
  const pending = pendingApps(statuses)
  if (pending.length === 0) return
  const done = statuses.filter(s => s.done).map(s => s.app)
  throw new PrivacyError(
    `Request ${request.id} is not ${pending[0]!.step === 'erasure' ? 'erased' : 'exported'} in ${pending.map(s => s.app).join(', ')}${done.length > 0 ? ` (done: ${done.join(', ')})` : ''}; run privacy:${pending[0]!.step === 'erasure' ? 'erase' : 'export'} --request ${request.id} first.`,
    {code: 'request_apps_pending', exitCode: ExitCode.refused, details: {apps: statuses}},
  )
}

/** Refuses (exit 4) to act on a request across apps for anyone but the person it was opened for. */
export async function assertRequestSubject(
  ctx: LedgerContext,
  request: {id: string; subjectColumn: string; subjectFingerprint: string},
  subjects: SubjectLookup[],
): Promise<void> {
  const key = await ledgerKey(ctx.pool, ctx.scope)
  const [only] = subjects
  if (subjects.length === 1 && only!.column === request.subjectColumn && fingerprint(key, only!.column, only!.value) === request.subjectFingerprint) return
  throw new PrivacyError(
    `This is not the person ${request.id} was opened for; give the same ${request.subjectColumn}= lookup as when it was opened. Nothing was changed.`,
    {code: 'request_subject_mismatch', exitCode: ExitCode.refused},
  )
}

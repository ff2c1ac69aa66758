import type pg from 'pg'

import type {Law} from '../datamap/processing-schema.js'
import {PrivacyError, refused} from '../errors.js'
import {LedgerContext} from './context.js'
import {inTransaction} from '../db/transaction.js'
import {daysBetween, formatDate, startOfDay} from './dates.js'
import {appendEvent} from './events.js'
import {LedgerHead, formatHead} from './head.js'
import {fingerprint, subjectKey} from './fingerprint.js'
import {acknowledgeBy, deadline, extensionUnit, rulesFor} from './laws.js'
import {AppStatus, ScopeApp, appStatuses, assertAppsDone} from './request-apps.js'

import type {RequestKind} from './request-kinds.js'

export {REQUEST_KINDS} from './request-kinds.js'
export type {RequestKind} from './request-kinds.js'

/** How the requester's identity was checked; a closed list, so no document number or answer ends up in the ledger. */
export const VERIFICATION_METHODS = [
  'signed-in-account',
  'email-confirmation',
  'phone-confirmation',
  'id-document',
  'knowledge-questions',
  'in-person',
  'authorized-agent',
  'other',
] as const
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number]

export interface SubjectRef {
  column: string
  value: string
}

export interface PrivacyRequest {
  id: string
  kind: RequestKind
  reference: string | null
  subjectColumn: string
  subjectFingerprint: string
  receivedOn: string
  /** The law whose clock the request runs on. */
  law: Law
  /** The deadline in force: the law's period from receipt, plus any extension. */
  dueOn: string
  /** The extension, in the law's unit: months (GDPR, UK GDPR) or days (CCPA, PIPEDA). */
  extendedMonths: number
  extendedDays: number
  /** When the law wants receipt confirmed (CCPA: 10 business days), else null. */
  acknowledgeBy: string | null
  /** Who checked the requester's identity, and how; null until recorded. */
  verifiedBy: string | null
  verificationMethod: VerificationMethod | null
  status: 'open' | 'closed'
  outcome: string | null
  closedAt: string | null
  openedBy: string
  daysLeft: number
  isOverdue: boolean
  /** For a request across several apps: each app, its map and whether its step is done; null for a request about one app. */
  apps: AppStatus[] | null
}

interface RequestRow {
  id: string
  kind: RequestKind
  reference: string | null
  subject_column: string
  subject_fingerprint: string
  received_on: string
  law: Law
  due_on: string
  extended_months: number
  extended_days: number
  acknowledge_by: string | null
  verified_by: string | null
  verification_method: VerificationMethod | null
  status: 'open' | 'closed'
  outcome: string | null
  closed_at: Date | null
  opened_by: string
}

const SELECT = `SELECT id, kind, reference, subject_column, subject_fingerprint, to_char(received_on, 'YYYY-MM-DD') AS received_on, law,
  to_char(due_on, 'YYYY-MM-DD') AS due_on, extended_months, extended_days, to_char(acknowledge_by, 'YYYY-MM-DD') AS acknowledge_by,
  verified_by, verification_method, status, outcome, closed_at, opened_by FROM heroku_privacy.requests`

function toRequest(row: RequestRow, today: Date, apps: AppStatus[] | null = null): PrivacyRequest {
  const daysLeft = daysBetween(today, new Date(`${row.due_on}T00:00:00Z`))
  return {
    id: row.id,
    kind: row.kind,
    reference: row.reference,
    subjectColumn: row.subject_column,
    subjectFingerprint: row.subject_fingerprint,
    receivedOn: row.received_on,
    law: row.law,
    dueOn: row.due_on,
    extendedMonths: row.extended_months,
    extendedDays: row.extended_days,
    acknowledgeBy: row.acknowledge_by,
    verifiedBy: row.verified_by,
    verificationMethod: row.verification_method,
    status: row.status,
    outcome: row.outcome,
    closedAt: row.closed_at?.toISOString() ?? null,
    openedBy: row.opened_by,
    daysLeft,
    isOverdue: row.status === 'open' && daysLeft < 0,
    apps,
  }
}

/** Reads a request just written, with its apps, inside the caller's transaction. */
async function readBack(client: pg.ClientBase, id: string, today: Date): Promise<PrivacyRequest> {
  const {rows} = await client.query<RequestRow>(`${SELECT} WHERE id = $1`, [id])
  const row = rows[0]!
  return toRequest(row, today, (await appStatuses(client, [row])).get(id) ?? null)
}

/** Reads a request inside the caller's transaction, locking it against a concurrent change. */
async function lockRequest(client: pg.ClientBase, ctx: LedgerContext, id: string): Promise<RequestRow> {
  const {rows} = await client.query<RequestRow>(`${SELECT} WHERE id = $1 AND scope = $2 FOR UPDATE`, [id, ctx.scope])
  if (!rows[0]) throw unknownRequest(id)
  return rows[0]
}

function unknownRequest(id: string): PrivacyError {
  return new PrivacyError(`No request ${id} in this ledger. List them with \`heroku privacy:requests --all\`.`, {code: 'request_not_found'})
}

export interface OpenRequestInput {
  kind: RequestKind
  subject: SubjectRef
  receivedOn?: Date
  reference?: string
  /** Default gdpr. */
  law?: Law
  verification?: {by: string; method: VerificationMethod}
  /** For a request across several apps: the apps and their maps, recorded in the open event. */
  apps?: ScopeApp[]
}

/** A request as a command that changed it reports it: with the ledger's head after the event it recorded. */
export type RecordedRequest = PrivacyRequest & {ledgerHead: LedgerHead}

export async function openRequest(ctx: LedgerContext, input: OpenRequestInput): Promise<RecordedRequest> {
  const today = startOfDay(ctx.clock())
  const receivedOn = startOfDay(input.receivedOn ?? today)
  if (receivedOn.getTime() > today.getTime()) {
    throw new PrivacyError(`The request's received date, ${formatDate(receivedOn)}, is in the future.`, {code: 'received_in_future'})
  }
  return inTransaction(ctx.pool, {}, async client => {
    const key = await subjectKey(client, ctx.scope)
    const {
      rows: [numbered],
    } = await client.query<{n: string}>("SELECT nextval('heroku_privacy.request_numbers') AS n")
    const id = `R-${receivedOn.getUTCFullYear()}-${numbered!.n.padStart(4, '0')}`
    const law = input.law ?? 'gdpr'
    const rules = rulesFor(law, input.kind)
    const dueOn = deadline(rules, receivedOn)
    const acknowledge = acknowledgeBy(rules, receivedOn)
    const subjectFingerprint = fingerprint(key, input.subject.column, input.subject.value)
    await client.query(
      `INSERT INTO heroku_privacy.requests (id, scope, kind, subject_column, subject_fingerprint, reference, received_on, due_on, opened_by, opened_at, law, acknowledge_by, verified_by, verification_method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        id,
        ctx.scope,
        input.kind,
        input.subject.column,
        subjectFingerprint,
        input.reference ?? null,
        formatDate(receivedOn),
        formatDate(dueOn),
        ctx.actor,
        ctx.clock(),
        law,
        acknowledge && formatDate(acknowledge),
        input.verification?.by ?? null,
        input.verification?.method ?? null,
      ],
    )
    const event = await appendEvent(
      ctx,
      {
        action: 'request.opened',
        requestId: id,
        details: {
          kind: input.kind,
          subject_column: input.subject.column,
          subject_fingerprint: subjectFingerprint,
          received_on: formatDate(receivedOn),
          due_on: formatDate(dueOn),
          reference: input.reference ?? null,
          law,
          rule: rules.citation,
          acknowledge_by: acknowledge && formatDate(acknowledge),
          verified_by: input.verification?.by ?? null,
          verification_method: input.verification?.method ?? null,
          ...(input.apps ? {apps: input.apps} : {}),
        },
      },
      client,
    )
    return {...(await readBack(client, id, today)), ledgerHead: formatHead(event)}
  })
}

export interface ExtendInput {
  /** How much longer, in the law's unit (months or days); default one month, or the law's whole extension in days. */
  amount?: number
  reason: string
  /** The day the person was told of the extension (default today): the law wants it within the first period. */
  notifiedOn?: Date
}

export async function extendRequest(ctx: LedgerContext, id: string, input: ExtendInput): Promise<RecordedRequest> {
  return inTransaction(ctx.pool, {}, async client => {
    const row = await lockRequest(client, ctx, id)
    if (row.status === 'closed') throw new PrivacyError(`Request ${id} is closed; only open requests can be extended.`, {code: 'request_closed'})
    const rules = rulesFor(row.law, row.kind)
    if (rules.maxExtension === null) {
      throw refused('extension_not_allowed', `Request ${id} runs on ${rules.name}, which allows no extension (${rules.citation}).`)
    }
    const unit = extensionUnit(rules)
    const received = new Date(`${row.received_on}T00:00:00Z`)
    const notifiedOn = startOfDay(input.notifiedOn ?? ctx.clock())
    const firstDeadline = deadline(rules, received)
    if (notifiedOn.getTime() > firstDeadline.getTime()) {
      throw refused(
        'extension_too_late',
        `Request ${id} was due on ${formatDate(firstDeadline)}; ${rules.name} allows an extension only when the person is told within that first period. If you told them in time, give the day with --notified-on.`,
      )
    }
    const current = unit === 'months' ? row.extended_months : row.extended_days
    const amount = input.amount ?? (unit === 'months' ? 1 : rules.maxExtension - current)
    const total = current + amount
    if (amount < 1 || total > rules.maxExtension) {
      throw refused('extension_too_long', `Request ${id} is already extended by ${current} ${unit}; ${rules.name} allows at most ${rules.maxExtension} in all.`)
    }
    const dueOn = deadline(rules, received, total)
    await client.query(`UPDATE heroku_privacy.requests SET ${unit === 'months' ? 'extended_months' : 'extended_days'} = $2, due_on = $3 WHERE id = $1`, [
      id,
      total,
      formatDate(dueOn),
    ])
    const event = await appendEvent(
      ctx,
      {
        action: 'request.extended',
        requestId: id,
        details: {[unit]: amount, [`total_${unit}`]: total, reason: input.reason, due_on: formatDate(dueOn), notified_on: formatDate(notifiedOn)},
      },
      client,
    )
    return {...(await readBack(client, id, startOfDay(ctx.clock()))), ledgerHead: formatHead(event)}
  })
}

/** Records how the requester's identity was checked, for a request opened before it was. */
export async function recordVerification(ctx: LedgerContext, id: string, verification: {by: string; method: VerificationMethod}): Promise<RecordedRequest> {
  return inTransaction(ctx.pool, {}, async client => {
    const row = await lockRequest(client, ctx, id)
    if (row.status === 'closed') throw new PrivacyError(`Request ${id} is closed; record the verification before closing it.`, {code: 'request_closed'})
    await client.query('UPDATE heroku_privacy.requests SET verified_by = $2, verification_method = $3 WHERE id = $1', [
      id,
      verification.by,
      verification.method,
    ])
    const event = await appendEvent(
      ctx,
      {action: 'request.verified', requestId: id, details: {verified_by: verification.by, verification_method: verification.method}},
      client,
    )
    return {...(await readBack(client, id, startOfDay(ctx.clock()))), ledgerHead: formatHead(event)}
  })
}

export async function closeRequest(ctx: LedgerContext, id: string, input: {outcome: string}): Promise<RecordedRequest> {
  return inTransaction(ctx.pool, {}, async client => {
    const row = await lockRequest(client, ctx, id)
    if (row.status === 'closed') {
      throw new PrivacyError(`Request ${id} was already closed on ${row.closed_at?.toISOString().slice(0, 10)} (${row.outcome}).`, {code: 'request_closed'})
    }
    await assertAppsDone(client, row)
    await client.query("UPDATE heroku_privacy.requests SET status = 'closed', outcome = $2, closed_at = $3 WHERE id = $1", [id, input.outcome, ctx.clock()])
    const event = await appendEvent(ctx, {action: 'request.closed', requestId: id, details: {outcome: input.outcome}}, client)
    return {...(await readBack(client, id, startOfDay(ctx.clock()))), ledgerHead: formatHead(event)}
  })
}

export async function getRequest(ctx: LedgerContext, id: string): Promise<PrivacyRequest> {
  const {rows} = await ctx.pool.query<RequestRow>(`${SELECT} WHERE id = $1 AND scope = $2`, [id, ctx.scope])
  if (!rows[0]) throw unknownRequest(id)
  return toRequest(rows[0], startOfDay(ctx.clock()), (await appStatuses(ctx.pool, [rows[0]])).get(id) ?? null)
}

/** Open requests (or all with `includeClosed`), overdue first, then the nearest deadline. */
export async function listRequests(ctx: LedgerContext, options: {includeClosed?: boolean} = {}): Promise<PrivacyRequest[]> {
  const {rows} = await ctx.pool.query<RequestRow>(`${SELECT} WHERE scope = $1 AND ($2 OR status = 'open') ORDER BY status DESC, due_on, id`, [
    ctx.scope,
    options.includeClosed === true,
  ])
  const today = startOfDay(ctx.clock())
  const apps = await appStatuses(ctx.pool, rows)
  return rows
    .map(row => toRequest(row, today, apps.get(row.id) ?? null))
    .sort((a, b) => Number(b.isOverdue) - Number(a.isOverdue) || (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1) || a.dueOn.localeCompare(b.dueOn))
}

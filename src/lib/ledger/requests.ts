import type pg from 'pg'

import {ExitCode, PrivacyError} from '../errors.js'
import {LedgerContext, inTransaction} from './context.js'
import {addMonths, daysBetween, formatDate, startOfDay} from './dates.js'
import {appendEvent} from './events.js'
import {LedgerHead, formatHead} from './head.js'
import {fingerprint, subjectKey} from './fingerprint.js'

export const REQUEST_KINDS = ['access', 'erasure', 'restriction', 'rectification', 'objection', 'portability'] as const
export type RequestKind = (typeof REQUEST_KINDS)[number]

/** Art. 12(3): one month, extendable by two further months. */
export const MAX_EXTENSION_MONTHS = 2

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
  /** The deadline in force: one month from receipt, plus any extension. */
  dueOn: string
  extendedMonths: number
  status: 'open' | 'closed'
  outcome: string | null
  closedAt: string | null
  openedBy: string
  daysLeft: number
  isOverdue: boolean
}

interface RequestRow {
  id: string
  kind: RequestKind
  reference: string | null
  subject_column: string
  subject_fingerprint: string
  received_on: string
  due_on: string
  extended_months: number
  status: 'open' | 'closed'
  outcome: string | null
  closed_at: Date | null
  opened_by: string
}

const SELECT = `SELECT id, kind, reference, subject_column, subject_fingerprint, to_char(received_on, 'YYYY-MM-DD') AS received_on,
  to_char(due_on, 'YYYY-MM-DD') AS due_on, extended_months, status, outcome, closed_at, opened_by FROM heroku_privacy.requests`

function toRequest(row: RequestRow, today: Date): PrivacyRequest {
  const daysLeft = daysBetween(today, new Date(`${row.due_on}T00:00:00Z`))
  return {
    id: row.id,
    kind: row.kind,
    reference: row.reference,
    subjectColumn: row.subject_column,
    subjectFingerprint: row.subject_fingerprint,
    receivedOn: row.received_on,
    dueOn: row.due_on,
    extendedMonths: row.extended_months,
    status: row.status,
    outcome: row.outcome,
    closedAt: row.closed_at?.toISOString() ?? null,
    openedBy: row.opened_by,
    daysLeft,
    isOverdue: row.status === 'open' && daysLeft < 0,
  }
}

export function dueDate(receivedOn: Date, extendedMonths = 0): Date {
  return addMonths(receivedOn, 1 + extendedMonths)
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

/** A request as a command that changed it reports it: with the ledger's head after the event it recorded. */
export type RecordedRequest = PrivacyRequest & {ledgerHead: LedgerHead}

export async function openRequest(ctx: LedgerContext, input: {kind: RequestKind; subject: SubjectRef; receivedOn?: Date; reference?: string}): Promise<RecordedRequest> {
  const today = startOfDay(ctx.clock())
  const receivedOn = startOfDay(input.receivedOn ?? today)
  if (receivedOn.getTime() > today.getTime()) {
    throw new PrivacyError(`--received ${formatDate(receivedOn)} is in the future; use the date the request reached you.`, {code: 'received_in_future', exitCode: ExitCode.usage})
  }
  return inTransaction(ctx.pool, async client => {
    const key = await subjectKey(client, ctx.scope)
    const {rows: [numbered]} = await client.query<{n: string}>("SELECT nextval('heroku_privacy.request_numbers') AS n")
    const id = `R-${receivedOn.getUTCFullYear()}-${numbered!.n.padStart(4, '0')}`
    const dueOn = dueDate(receivedOn)
    const subjectFingerprint = fingerprint(key, input.subject.column, input.subject.value)
    await client.query(
      `INSERT INTO heroku_privacy.requests (id, scope, kind, subject_column, subject_fingerprint, reference, received_on, due_on, opened_by, opened_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, ctx.scope, input.kind, input.subject.column, subjectFingerprint, input.reference ?? null, formatDate(receivedOn), formatDate(dueOn), ctx.actor, ctx.clock()],
    )
    const event = await appendEvent(ctx, {
      action: 'request.opened',
      requestId: id,
      details: {kind: input.kind, subject_column: input.subject.column, subject_fingerprint: subjectFingerprint, received_on: formatDate(receivedOn), due_on: formatDate(dueOn), reference: input.reference ?? null},
    }, client)
    const {rows} = await client.query<RequestRow>(`${SELECT} WHERE id = $1`, [id])
    return {...toRequest(rows[0]!, today), ledgerHead: formatHead(event)}
  })
}

export async function extendRequest(ctx: LedgerContext, id: string, input: {months: number; reason: string}): Promise<RecordedRequest> {
  return inTransaction(ctx.pool, async client => {
    const row = await lockRequest(client, ctx, id)
    if (row.status === 'closed') throw new PrivacyError(`Request ${id} is closed; only open requests can be extended.`, {code: 'request_closed'})
    const total = row.extended_months + input.months
    if (total > MAX_EXTENSION_MONTHS) {
      throw new PrivacyError(`Request ${id} is already extended by ${row.extended_months} month(s); the GDPR allows at most ${MAX_EXTENSION_MONTHS} in all (Art. 12(3)).`, {code: 'extension_too_long', exitCode: ExitCode.refused})
    }
    const dueOn = dueDate(new Date(`${row.received_on}T00:00:00Z`), total)
    await client.query('UPDATE heroku_privacy.requests SET extended_months = $2, due_on = $3 WHERE id = $1', [id, total, formatDate(dueOn)])
    const event = await appendEvent(ctx, {action: 'request.extended', requestId: id, details: {months: input.months, total_months: total, reason: input.reason, due_on: formatDate(dueOn)}}, client)
    const {rows} = await client.query<RequestRow>(`${SELECT} WHERE id = $1`, [id])
    return {...toRequest(rows[0]!, startOfDay(ctx.clock())), ledgerHead: formatHead(event)}
  })
}

export async function closeRequest(ctx: LedgerContext, id: string, input: {outcome: string}): Promise<RecordedRequest> {
  return inTransaction(ctx.pool, async client => {
    const row = await lockRequest(client, ctx, id)
    if (row.status === 'closed') {
      throw new PrivacyError(`Request ${id} was already closed on ${row.closed_at?.toISOString().slice(0, 10)} (${row.outcome}).`, {code: 'request_closed'})
    }
    await client.query("UPDATE heroku_privacy.requests SET status = 'closed', outcome = $2, closed_at = $3 WHERE id = $1", [id, input.outcome, ctx.clock()])
    const event = await appendEvent(ctx, {action: 'request.closed', requestId: id, details: {outcome: input.outcome}}, client)
    const {rows} = await client.query<RequestRow>(`${SELECT} WHERE id = $1`, [id])
    return {...toRequest(rows[0]!, startOfDay(ctx.clock())), ledgerHead: formatHead(event)}
  })
}

export async function getRequest(ctx: LedgerContext, id: string): Promise<PrivacyRequest> {
  const {rows} = await ctx.pool.query<RequestRow>(`${SELECT} WHERE id = $1 AND scope = $2`, [id, ctx.scope])
  if (!rows[0]) throw unknownRequest(id)
  return toRequest(rows[0], startOfDay(ctx.clock()))
}

/** Open requests (or all with `includeClosed`), overdue first, then the nearest deadline. */
export async function listRequests(ctx: LedgerContext, options: {includeClosed?: boolean} = {}): Promise<PrivacyRequest[]> {
  const {rows} = await ctx.pool.query<RequestRow>(`${SELECT} WHERE scope = $1 AND ($2 OR status = 'open') ORDER BY status DESC, due_on, id`, [ctx.scope, options.includeClosed === true])
  const today = startOfDay(ctx.clock())
  return rows.map(row => toRequest(row, today)).sort((a, b) => Number(b.isOverdue) - Number(a.isOverdue) || (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1) || a.dueOn.localeCompare(b.dueOn))
}

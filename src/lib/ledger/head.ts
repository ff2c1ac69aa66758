import type pg from 'pg'

import {PrivacyError, usageError, violation} from '../errors.js'
import {ChainVerdict, verifyChain} from './events.js'
import {firstTamperedRows} from './stored-rows.js'

/**
 * The ledger's head: the newest event as `SEQ:HASH`. Each event's hash covers
 * every event before it, so a head kept somewhere else (a CI log, the request
 * ticket) later proves that nothing up to it was changed or removed — the one
 * thing the chain alone cannot show is that its newest events were deleted.
 */
export type LedgerHead = string

const HEAD = /^(\d+):([0-9a-f]{64})$/

export function formatHead(event: {seq: number; hash: string}): LedgerHead {
  return `${event.seq}:${event.hash}`
}

/** The head after a command's events: its last one, or null when it appended none. */
export function headAfter(events: Array<{seq: number; hash: string} | undefined | null>): LedgerHead | null {
  const last = events
    .filter(e => e !== undefined && e !== null)
    .sort((a, b) => a!.seq - b!.seq)
    .at(-1)
  return last ? formatHead(last) : null
}

export function parseHead(text: string): {seq: number; hash: string} {
  const match = HEAD.exec(text.trim().toLowerCase())
  if (!match || Number(match[1]) < 1) {
    throw usageError(
      `--head ${JSON.stringify(text)} is not a ledger head; give it as SEQ:HASH, the way commands print it (e.g. 42:9f86d08…, all 64 hex digits).`,
    )
  }
  return {seq: Number(match[1]), hash: match[2]!}
}

/** The newest event now, or null for an empty ledger. */
export async function currentHead(pool: pg.Pool | pg.ClientBase): Promise<LedgerHead | null> {
  const {rows} = await pool.query<{seq: string; hash: string}>('SELECT seq, hash FROM heroku_privacy.events ORDER BY seq DESC LIMIT 1')
  return rows[0] ? formatHead({seq: Number(rows[0].seq), hash: rows[0].hash}) : null
}

/** The head as it was right after event `seq`, or null when there is no such event. */
export async function headAt(pool: pg.Pool | pg.ClientBase, seq: number | null): Promise<LedgerHead | null> {
  if (seq === null) return null
  const {rows} = await pool.query<{hash: string}>('SELECT hash FROM heroku_privacy.events WHERE seq = $1', [seq])
  return rows[0] ? formatHead({seq, hash: rows[0].hash}) : null
}

export interface HeadCheck {
  head: LedgerHead
  /** `found`: the event is there with that hash; `missing`: no event has that number; `differs`: it has another hash. */
  status: 'found' | 'missing' | 'differs'
}

export interface LedgerVerdict extends ChainVerdict {
  /** The newest event now. */
  ledgerHead: LedgerHead | null
  heads: HeadCheck[]
}

/**
 * Recomputes the chain, checks the rows each event touched against the count
 * and digest it carries, and looks for each head kept elsewhere: a head that is
 * gone or has another hash means events were removed (the newest ones too) or
 * rewritten since it was printed.
 */
export async function verifyLedger(pool: pg.Pool, heads: string[] = []): Promise<LedgerVerdict> {
  const expected = heads.map(text => parseHead(text))
  let chain = await verifyChain(pool)
  const tampered = chain.intact ? await firstTamperedRows(pool) : null
  if (tampered) chain = {...chain, intact: false, firstBroken: tampered}
  const checks: HeadCheck[] = []
  for (const head of expected) {
    const {rows} = await pool.query<{hash: string}>('SELECT hash FROM heroku_privacy.events WHERE seq = $1', [head.seq])
    checks.push({head: formatHead(head), status: !rows[0] ? 'missing' : rows[0].hash === head.hash ? 'found' : 'differs'})
  }
  return {...chain, ledgerHead: await currentHead(pool), heads: checks}
}

export function headsMissingError(verdict: LedgerVerdict): PrivacyError {
  const bad = verdict.heads.filter(h => h.status !== 'found')
  const newest = verdict.ledgerHead ? `its newest event is now ${verdict.ledgerHead.split(':')[0]}` : 'it has no events'
  const described = bad
    .map(h => `${h.head.split(':')[0]}:${h.head.split(':')[1]!.slice(0, 12)}… ${h.status === 'missing' ? 'is gone' : 'has another hash'}`)
    .join('; ')
  return violation(
    'ledger_head_missing',
    `The ledger no longer holds the head${bad.length === 1 ? '' : 's'} kept for it (${described}; ${newest}): events were removed or rewritten after ${bad.length === 1 ? 'it was' : 'they were'} printed. Restore the ledger database from a backup and compare.`,
    {details: verdict},
  )
}

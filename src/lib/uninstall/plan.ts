import type pg from 'pg'

import {ErrorCode, PrivacyError, refused} from '../errors.js'
import {plural} from '../ui/words.js'
import {FoundObject, InstalledObject, readInventory} from './inventory.js'

/** What happens to the ledger: kept, dropped, or dropped only while it records nothing. */
export type LedgerChoice = 'keep' | 'drop' | 'only-if-empty'

export interface UninstallPlan {
  /** Whether the database holds anything the tool created. */
  installed: boolean
  /** What is (or, in a dry run, would be) dropped, in the order it goes. */
  dropped: InstalledObject[]
  /** The ledger's tables and its schema, left in place with --keep-ledger. */
  kept: InstalledObject[]
  ledger: {events: number; requests: number} | null
  restrictions: {active: number; legalHolds: number; unrecordedBypasses: number}
}

export interface PlanWithRefusal {
  plan: UninstallPlan
  /** The SQL names of what goes, for the executor. */
  toDrop: FoundObject[]
  /** Why the run must not go ahead, when it must not. */
  refusal?: Refusal
}

export interface Refusal {
  code: ErrorCode
  message: string
}

const KIND_ORDER: InstalledObject['kind'][] = ['trigger', 'view', 'schema', 'table', 'sequence', 'function']

/**
 * Reads what the tool installed and decides what goes and what stays. Never
 * changes anything; the caller runs it inside its own transaction, after
 * taking its locks when it means to go ahead.
 */
export async function planUninstall(client: pg.ClientBase, ledgerChoice: LedgerChoice): Promise<PlanWithRefusal> {
  const inventory = await readInventory(client)
  const found = inventory.objects
  const has = (name: string) => found.some(o => o.kind !== 'function' && o.name === name)
  const restrictions =
    has('heroku_privacy.restrictions') && has('heroku_privacy.bypass_log') ? await countRestrictions(client) : {active: 0, legalHolds: 0, unrecordedBypasses: 0}
  const ledger = has('heroku_privacy.events') && has('heroku_privacy.requests') ? await countLedger(client) : null
  const keepLedger = ledgerChoice === 'keep' && found.some(o => o.component === 'ledger')
  const isKept = (o: FoundObject) => keepLedger && (o.component === 'ledger' || o.component === 'bookkeeping')
  const toDrop = found.filter(o => !isKept(o)).sort(byDropOrder)
  const plan: UninstallPlan = {
    installed: found.length > 0,
    dropped: toDrop.map(publicView),
    kept: found.filter(isKept).map(publicView),
    ledger,
    restrictions,
  }
  return {plan, toDrop, refusal: refusalFor(plan, inventory.foreign, ledgerChoice)}
}

/** The refusal as the one error the command exits 4 with; under --json the plan is printed beside it. */
export function refusalError(refusal: Refusal, result: object): PrivacyError {
  return refused(refusal.code, refusal.message, {result})
}

function refusalFor(plan: UninstallPlan, foreign: string[], ledgerChoice: LedgerChoice): Refusal | undefined {
  const refuse = (message: string, code: ErrorCode) => ({code, message: `${message} Nothing was changed.`})
  if (foreign.length > 0) {
    return refuse(
      `The tool's schemas hold objects it did not create, or app triggers call its functions: ${foreign.join(', ')}; move them out (ALTER … SET SCHEMA) or drop them yourself, then run again.`,
      'uninstall_foreign_objects',
    )
  }
  const {active, legalHolds, unrecordedBypasses} = plan.restrictions
  if (active > 0) {
    const holds = legalHolds > 0 ? ` (${plural(legalHolds, 'legal hold')} among them)` : ''
    return refuse(
      `${plural(active, 'restriction')} ${active === 1 ? 'is' : 'are'} active${holds}: removing the triggers and views would silently resume processing of restricted people's data. Lift ${active === 1 ? 'it' : 'them'} first with privacy:restrict:lift (--release-hold for a legal hold); privacy:restrict:list shows them.`,
      'uninstall_restrictions_active',
    )
  }
  if (unrecordedBypasses > 0) {
    return refuse(
      `${plural(unrecordedBypasses, 'bypass', 'bypasses')} of the enforcement triggers ${unrecordedBypasses === 1 ? 'is' : 'are'} not yet in the ledger; run privacy:restrict:list to record ${unrecordedBypasses === 1 ? 'it' : 'them'}, then run again.`,
      'uninstall_bypasses_unrecorded',
    )
  }
  const ledger = plan.ledger
  if (ledgerChoice === 'only-if-empty' && ledger && ledger.events + ledger.requests > 0) {
    return refuse(
      `The ledger (schema heroku_privacy) holds ${plural(ledger.events, 'event')} and ${plural(ledger.requests, 'request')}, the proof of past erasures and restrictions: keep it, or save a copy first (pg_dump --schema=heroku_privacy) before dropping it.`,
      'uninstall_ledger_in_use',
    )
  }
  return undefined
}

async function countRestrictions(client: pg.ClientBase): Promise<UninstallPlan['restrictions']> {
  const {
    rows: [counts],
  } = await client.query<UninstallPlan['restrictions']>(`
    SELECT (SELECT count(*)::int FROM heroku_privacy.restrictions WHERE lifted_at IS NULL) AS "active",
           (SELECT count(*)::int FROM heroku_privacy.restrictions WHERE lifted_at IS NULL AND legal_hold) AS "legalHolds",
           (SELECT count(*)::int FROM heroku_privacy.bypass_log WHERE NOT recorded) AS "unrecordedBypasses"`)
  return counts!
}

async function countLedger(client: pg.ClientBase): Promise<{events: number; requests: number}> {
  const {
    rows: [counts],
  } = await client.query<{events: number; requests: number}>(`
    SELECT (SELECT count(*)::int FROM heroku_privacy.events) AS events, (SELECT count(*)::int FROM heroku_privacy.requests) AS requests`)
  return counts!
}

/** Triggers and views before the tables they read, the view schema once empty, functions after the tables whose triggers call them, heroku_privacy last. */
function byDropOrder(a: FoundObject, b: FoundObject): number {
  const rank = (o: FoundObject) => (o.kind === 'schema' && o.component !== 'views' ? KIND_ORDER.length : KIND_ORDER.indexOf(o.kind))
  return rank(a) - rank(b)
}

function publicView({ref: _ref, tableRef: _table, ...object}: FoundObject): InstalledObject {
  return object
}

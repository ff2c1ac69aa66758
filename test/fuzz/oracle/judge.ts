import type pg from 'pg'

import {verifyChain} from '../../../src/lib/ledger/events.js'
import type {Person} from '../model.js'
import {identifiersOf} from '../people.js'
import {Attribution, attribute} from './attribution.js'
import type {OracleTable} from './catalog.js'
import {clearedColumns, erasedLinks, matchRows, md5AfterChange, md5WithNulls} from './expected.js'
import type {Failure} from './failures.js'
import type {OracleMap} from './map.js'
import {ColumnClaim, identifierPattern, mentionsByTable, residueInLedger, residueInRows} from './residue.js'
import {Snapshot, SnapshotRow} from './snapshot.js'

export interface ErasureOutcome {
  status: 'done' | 'refused' | 'crash'
  error?: {code?: string; exitCode?: number; message: string}
}

export interface JudgeInput {
  pool: pg.Pool
  catalog: Map<string, OracleTable>
  map: OracleMap
  before: Snapshot
  after: Snapshot
  person: Person
  /** Everyone else, to see that none of them gained the person's rows. */
  others: Person[]
  /** With `unlinkShared`, the erasure was told to clear the person's links in rows shared with the restricted person. */
  restricted?: {person: Person; legalHold: boolean; unlinkShared?: boolean}
  outcome: ErasureOutcome
  /** Tables where a reviewer set a column's strategy by hand: a unique index their values break is the map's fault, not the tool's. */
  editedTables?: string[]
}

export interface Judgement {
  failures: Failure[]
  notes: string[]
}

const label = (row: SnapshotRow) => (row.rid ? `row ${row.rid}` : `a row ${row.text.length > 120 ? `${row.text.slice(0, 120)}…` : row.text}`)
const labels = (rows: SnapshotRow[]) => `${rows.slice(0, 3).map(label).join('; ')}${rows.length > 3 ? `; and ${rows.length - 3} more` : ''}`

/** Checks one erasure's outcome against the data, with plain SQL and the map's own words. */
export async function judge(input: JudgeInput): Promise<Judgement> {
  if (input.outcome.status !== 'done') return judgeRefusal(input)
  const failures: Failure[] = []
  const notes: string[] = []
  const {before, after, map, catalog} = input
  const mine = attribute(before, map, input.person.key)
  const guarded = protectedRows(input)
  const claimed: Attribution = new Map([...mine].map(([t, rows]) => [t, new Set([...rows].filter(i => !guarded.get(t)?.has(i)))]))
  const pattern = identifierPattern(identifiersOf(input.person))
  const expected = await expectedMd5s(input, claimed, guarded)

  for (const table of catalog.values()) {
    const beforeRows = before.tables.get(table.key) ?? []
    const afterRows = after.tables.get(table.key) ?? []
    const rows = [...(expected.get(table.key) ?? new Map<number, string>())].map(([index, md5]) => ({index, md5}))
    const {missing, leftover} = matchRows(rows, afterRows)
    for (const index of missing) {
      const row = beforeRows[index]!
      const now = row.rid ? afterRows.find(r => r.rid === row.rid) : undefined
      const what = now ? `changed in ${changedColumns(row, now).join(', ')}` : 'is gone'
      failures.push({kind: guarded.get(table.key)?.has(index) ? 'restricted-changed' : 'others-changed', table: table.key, detail: `${label(row)} ${what}`})
    }
    const spec = map.tables.get(table.key)
    const ownRows = [...(claimed.get(table.key) ?? [])].map(i => beforeRows[i]!)
    if (!spec || ownRows.length === 0) continue
    const kept =
      table.primaryKey.length > 0
        ? ownRows.flatMap(row => {
            const now = afterRows.find(r => r.rid === row.rid)
            return now ? [{before: row, after: now}] : []
          })
        : leftover.map(row => ({before: undefined, after: row}))
    if (spec.erase !== 'delete' && table.primaryKey.length > 0 && kept.length < ownRows.length)
      failures.push({
        kind: 'kept-gone',
        table: table.key,
        detail: `${ownRows.length - kept.length} of the person's ${ownRows.length} row(s) are gone (the map keeps them, anonymised)`,
      })
    if (spec.erase === 'delete') {
      if (kept.length > 0)
        failures.push({
          kind: 'rows-remain',
          table: table.key,
          detail: `${kept.length} of the person's ${ownRows.length} row(s) are still there (the map deletes them): ${labels(kept.map(k => k.after))}`,
        })
      continue
    }
    const claims: ColumnClaim[] = [...spec.erased]
      .filter(([c]) => table.columns.includes(c))
      .map(([column, e]) => ({column, ...(e.keys ? {keys: e.keys} : {})}))
    for (const hit of await residueInRows(
      input.pool,
      table,
      kept.map(k => k.after.md5),
      claims,
      pattern,
    )) {
      const row = kept.find(k => k.after.md5 === hit.md5)!.after
      const claim = spec.erased.get(hit.column)!
      failures.push({
        kind: 'residue',
        table: table.key,
        column: hit.column,
        detail: `${label(row)} still holds ${whichIdentifier(input.person, row.json[hit.column], claim.keys)} after the map's ${claim.strategy}${claim.keys ? ` of keys ${claim.keys.join(', ')}` : ''}`,
      })
    }
    for (const {before: old, after: now} of kept) {
      if (!old) continue
      const allowed = new Set([...spec.erased.keys(), ...table.generated])
      const unexpected = changedColumns(old, now).filter(
        c =>
          !allowed.has(c) &&
          !(
            now.json[c] === null &&
            isReference(
              table,
              spec.edges.map(e => e.column),
              c,
            )
          ),
      )
      if (unexpected.length > 0)
        failures.push({kind: 'unclaimed-changed', table: table.key, detail: `${label(old)} changed in ${unexpected.join(', ')}, which the map does not erase`})
    }
  }
  failures.push(...handedOver(input, mine, expected, failures))
  failures.push(...(await ledgerFailures(input, pattern)))
  for (const [table, n] of await mentionsByTable(input.pool, [...catalog.values()], pattern)) {
    if (!failures.some(f => f.table === table)) notes.push(`${table}: ${n} row(s) still mention the person outside what the map erases`)
  }
  return {failures, notes}
}

function isReference(table: OracleTable, edgeColumns: string[], column: string): boolean {
  return edgeColumns.includes(column) || table.foreignKeys.some(fk => fk.columns.includes(column))
}

function changedColumns(before: SnapshotRow, after: SnapshotRow): string[] {
  const names = new Set([...Object.keys(before.json), ...Object.keys(after.json)])
  return [...names].filter(c => JSON.stringify(before.json[c]) !== JSON.stringify(after.json[c]))
}

/** Which identifiers a value holds (under the given JSON keys only, when the map names keys), for the message. */
function whichIdentifier(person: Person, value: unknown, keys?: string[]): string {
  const text = JSON.stringify(keys ? valuesUnder(value, new Set(keys)) : value)?.toLowerCase() ?? ''
  const found = identifiersOf(person).filter(id => text.includes(id.toLowerCase()))
  return found.length > 0 ? found.map(f => JSON.stringify(f)).join(', ') : "one of the person's identifiers"
}

function valuesUnder(value: unknown, keys: Set<string>): unknown[] {
  if (Array.isArray(value)) return value.flatMap(v => valuesUnder(v, keys))
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([k, v]) => [...(keys.has(k) ? [v] : []), ...valuesUnder(v, keys)])
}

/**
 * Rows the erasure must leave exactly as they are although the map ties them
 * to the person: rows shared with someone under a restriction, and every row
 * of someone under a legal hold (tables with a primary key: the registry
 * records rows by key).
 */
function protectedRows(input: JudgeInput): Attribution {
  const guarded: Attribution = new Map()
  if (!input.restricted) return guarded
  const theirs = attribute(input.before, input.map, input.restricted.person.key)
  const mine = attribute(input.before, input.map, input.person.key)
  for (const [table, rows] of theirs) {
    if ((input.catalog.get(table)?.primaryKey.length ?? 0) === 0) continue
    guarded.set(table, new Set([...rows].filter(i => input.restricted!.legalHold || mine.get(table)?.has(i))))
  }
  return guarded
}

/** For every row the erasure does not claim: its md5 as it must be afterwards. */
async function expectedMd5s(input: JudgeInput, claimed: Attribution, guarded: Attribution): Promise<Map<string, Map<number, string>>> {
  const result = new Map<string, Map<number, string>>()
  const pending: Array<{table: string; index: number; text: string; nulls: string[]}> = []
  for (const table of input.catalog.values()) {
    const rows = new Map<number, string>()
    for (const [index, row] of (input.before.tables.get(table.key) ?? []).entries()) {
      if (claimed.get(table.key)?.has(index)) continue
      if (guarded.get(table.key)?.has(index)) {
        // Left in place, byte for byte; when told to unlink, but for the erased person's links (and references to deleted rows).
        if (!input.restricted?.unlinkShared) rows.set(index, row.md5)
        else {
          const links = erasedLinks(input.map.tables.get(table.key), row, input.before, claimed)
          const nulls = [...new Set([...links.nulls, ...clearedColumns(table, row, input.before, input.after)])]
          rows.set(index, await md5AfterChange(input.pool, row.text, {nulls, removed: links.removed}))
        }
        continue
      }
      const nulls = clearedColumns(table, row, input.before, input.after)
      if (nulls.length === 0) rows.set(index, row.md5)
      else pending.push({table: table.key, index, text: row.text, nulls})
    }
    result.set(table.key, rows)
  }
  const md5s = await md5WithNulls(input.pool, pending)
  pending.forEach((p, i) => result.get(p.table)!.set(p.index, md5s[i]!))
  return result
}

/**
 * After the erasure, nobody else may hold more rows (by the map) than before,
 * beyond the rows they shared with the person: a kept row whose reference now
 * points at someone else has been handed to them. (Rows of theirs already
 * reported as changed are not counted twice.)
 */
function handedOver(input: JudgeInput, mine: Attribution, expected: Map<string, Map<number, string>>, found: Failure[]): Failure[] {
  const failures: Failure[] = []
  for (const other of input.others) {
    const theirsBefore = attribute(input.before, input.map, other.key)
    const theirsAfter = attribute(input.after, input.map, other.key)
    for (const [table, rows] of theirsAfter) {
      const afterRows = input.after.tables.get(table) ?? []
      const wanted = [...(theirsBefore.get(table) ?? [])].flatMap(i => {
        const md5 = expected.get(table)?.get(i)
        return md5 ? [{index: i, md5}] : []
      })
      const {missing, leftover} = matchRows(
        wanted,
        [...rows].map(i => afterRows[i]!),
      )
      const shared = [...(theirsBefore.get(table) ?? [])].filter(i => mine.get(table)?.has(i)).length
      const changedAlready = found.some(f => f.table === table && (f.kind === 'others-changed' || f.kind === 'restricted-changed')) ? missing.length : 0
      if (leftover.length > shared + changedAlready) {
        const theirRids = new Set([...(theirsBefore.get(table) ?? [])].map(i => input.before.tables.get(table)![i]!.rid))
        const gained = leftover.filter(row => row.rid === null || !theirRids.has(row.rid))
        failures.push({
          kind: 'handed-over',
          table,
          detail: `${leftover.length - shared - changedAlready} row(s) of the erased person now belong by the map to the person with key ${other.key}: ${labels(gained)}`,
        })
      }
    }
  }
  return failures
}

async function ledgerFailures(input: JudgeInput, pattern: string): Promise<Failure[]> {
  const failures: Failure[] = []
  const verdict = await verifyChain(input.pool)
  if (!verdict.intact) failures.push({kind: 'ledger', detail: `the chain is broken at event ${verdict.firstBroken?.seq}: ${verdict.firstBroken?.reason}`})
  if (input.after.ledgerEvents <= input.before.ledgerEvents) failures.push({kind: 'ledger', detail: 'the erasure reported success but appended no event'})
  const held = await residueInLedger(input.pool, pattern)
  if (held.events + held.keys > 0)
    failures.push({kind: 'ledger', detail: `the ledger holds the person's identifiers (${held.events} event(s), ${held.keys} recorded key(s))`})
  return failures
}

/** A refusal or an error must leave every table and the ledger as they were. */
function judgeRefusal(input: JudgeInput): Judgement {
  const failures: Failure[] = []
  const {outcome} = input
  if (outcome.status === 'crash') failures.push({kind: 'crash', detail: outcome.error?.message ?? 'unknown error'})
  if (outcome.status === 'refused' && outcome.error?.code === 'residue') failures.push({kind: 'self-caught', detail: outcome.error.message})
  if (outcome.status === 'refused' && outcome.error?.code === 'erase_constraint') {
    const at = /^The erasure stopped at ([^:]+):/.exec(outcome.error.message)?.[1]
    if (/a unique constraint/.test(outcome.error.message) && !(at && input.editedTables?.includes(at)))
      failures.push({kind: 'self-collision', detail: outcome.error.message})
    if (/update or delete on table .* violates foreign key constraint/.test(outcome.error.message))
      failures.push({kind: 'plan-broken', detail: outcome.error.message})
  }
  for (const table of input.catalog.values()) {
    const before = (input.before.tables.get(table.key) ?? []).map(r => r.md5).sort()
    const after = (input.after.tables.get(table.key) ?? []).map(r => r.md5).sort()
    if (JSON.stringify(before) !== JSON.stringify(after))
      failures.push({kind: 'changed-on-refusal', table: table.key, detail: `${before.length} row(s) before, ${after.length} after, contents differ`})
  }
  if (input.after.ledgerEvents !== input.before.ledgerEvents)
    failures.push({kind: 'changed-on-refusal', detail: `the ledger went from ${input.before.ledgerEvents} to ${input.after.ledgerEvents} events`})
  return {failures, notes: []}
}

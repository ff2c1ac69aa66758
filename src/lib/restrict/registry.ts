import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import type {TableInfo} from '../db/introspect.js'
import {primaryKeyText} from '../db/sql.js'
import {PrivacyError, refused} from '../errors.js'
import type {SnapshotRecord} from '../heroku/snapshots.js'
import {inTransaction} from '../db/transaction.js'
import {fingerprint} from '../ledger/fingerprint.js'
import {keyIsPersonal} from '../ledger/row-keys.js'
import {planSubjectGraph} from '../subject/graph.js'
import {chooseSubjectRows} from '../subject/keyset.js'
import type {SubjectLookup} from '../subject/parse.js'
import {KindChoice, kindsOf, resolveSubjects, useRootKeys} from '../subject/resolve.js'
import {installEnforcement, installViews} from './install.js'

export const RESTRICTION_REASONS = ['accuracy', 'unlawful', 'legal-claim', 'objection'] as const
export type RestrictionReason = (typeof RESTRICTION_REASONS)[number]

export interface RestrictionResult {
  id: string
  created: boolean
  subjectColumn: string
  fingerprint: string
  rowsAdded: number
  rowsByTable: Record<string, number>
  legalHold: boolean
  snapshot: SnapshotRecord | null
}

export interface RestrictSummary {
  restrictions: RestrictionResult[]
  views: string[]
  enforced: string[]
  /** Mapped tables without a primary key: their rows cannot be registered one by one. */
  skipped: string[]
  /** Tables whose primary key is personal data: the ledger names their rows by a keyed hash. */
  personalKeys: string[]
}

/** Whom to restrict and why: what a caller of the registry and of `restrictPeople` says alike. */
export interface RestrictionOrder {
  mapFile: string
  subjects: SubjectLookup[]
  /** Which kind of person the lookups name (see KindChoice). */
  kinds?: KindChoice
  reason: RestrictionReason
  requestId: string | null
  legalHold: boolean
  enforce: boolean
}

export interface RestrictInput extends RestrictionOrder {
  pool: pg.Pool
  snapshot: SnapshotRecord | null
  scope: string
  actor: string
  key: Buffer
  clock: () => Date
  /** Runs inside the registry's transaction, so a ledger in the same database commits with it. */
  withinTransaction?: (client: pg.PoolClient, summary: RestrictSummary) => Promise<void>
}

/**
 * Registers every row the data map ties to each person as restricted, in one
 * transaction with the views (and, with `enforce`, the triggers). Restricting
 * a person again adds only rows that appeared since; nothing else changes.
 */
export async function registerRestrictions(input: RestrictInput): Promise<RestrictSummary> {
  return inTransaction(input.pool, {}, async client => {
    const {loaded, schema} = await loadMapForDatabase(input.mapFile, client)
    const map = loaded.map
    const resolved = await resolveSubjects(client, map, input.subjects, schema, input.kinds)
    const plan = planSubjectGraph(map, schema, kindsOf(map, resolved))
    const withKey = plan.tables.filter(t => t.table.primaryKey.length > 0)
    // One restriction per person named: with --all-kinds a lookup may find them as several kinds.
    const people = [...new Set(resolved.map(s => s.lookup))].map(lookup => resolved.filter(s => s.lookup === lookup))
    const summary: RestrictSummary = {
      restrictions: [],
      views: [],
      enforced: [],
      skipped: plan.tables.filter(t => t.table.primaryKey.length === 0).map(t => t.key),
      personalKeys: withKey.filter(t => keyIsPersonal(t.table, map)).map(t => t.key),
    }
    for (const [index, found] of people.entries()) {
      const subject = found[0]!
      const print = fingerprint(input.key, subject.lookup.column, subject.lookup.value)
      const existing = await client.query<{id: string; legal_hold: boolean; snapshot: SnapshotRecord | null}>(
        'SELECT id, legal_hold, snapshot FROM heroku_privacy.restrictions WHERE scope = $1 AND subject_fingerprint = $2 AND lifted_at IS NULL',
        [input.scope, print],
      )
      let id = existing.rows[0]?.id
      const created = !id
      if (!id) {
        const {
          rows: [n],
        } = await client.query<{n: string}>("SELECT nextval('heroku_privacy.restriction_numbers') AS n")
        id = `X-${input.clock().getUTCFullYear()}-${n!.n.padStart(4, '0')}`
        await client.query(
          `INSERT INTO heroku_privacy.restrictions (id, scope, subject_column, subject_fingerprint, reason, request_id, legal_hold, snapshot, created_at, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            id,
            input.scope,
            subject.lookup.column,
            print,
            input.reason,
            input.requestId,
            input.legalHold,
            input.snapshot ? JSON.stringify(input.snapshot) : null,
            input.clock(),
            input.actor,
          ],
        )
      } else if (input.legalHold && !existing.rows[0]!.legal_hold) {
        await client.query('UPDATE heroku_privacy.restrictions SET legal_hold = true, snapshot = $2 WHERE id = $1', [
          id,
          input.snapshot ? JSON.stringify(input.snapshot) : null,
        ])
      }
      await useRootKeys(client, found)
      const own = planSubjectGraph(map, schema, kindsOf(map, found))
      const rows = await chooseSubjectRows(client, own, schema, {mode: 'temporary', name: `s${index}_`})
      const rowsByTable: Record<string, number> = {}
      for (const table of withKey) {
        const set = rows.sets.get(table.key)
        if (!set) continue
        const result = await client.query(
          `INSERT INTO heroku_privacy.restricted_rows (restriction_id, table_name, pk)
           SELECT $1, $2, ${primaryKeyText(table.table, 't')} FROM ${set.from} t WHERE ${rows.belongs(table.key, 't')}
           ON CONFLICT DO NOTHING`,
          [id, table.key],
        )
        if (result.rowCount) rowsByTable[table.key] = result.rowCount
      }
      summary.restrictions.push({
        id,
        created,
        subjectColumn: subject.lookup.column,
        fingerprint: print,
        rowsAdded: Object.values(rowsByTable).reduce((a, b) => a + b, 0),
        rowsByTable,
        legalHold: input.legalHold || (existing.rows[0]?.legal_hold ?? false),
        snapshot: input.snapshot ?? existing.rows[0]?.snapshot ?? null,
      })
    }
    const tables: TableInfo[] = withKey.map(t => t.table)
    summary.views = await installViews(client, tables)
    if (input.enforce) {
      await installEnforcement(client, tables)
      summary.enforced = tables.map(t => t.key)
    }
    await input.withinTransaction?.(client, summary)
    return summary
  })
}

export interface ActiveRestriction {
  id: string
  reason: RestrictionReason
  subjectColumn: string
  subjectFingerprint: string
  requestId: string | null
  legalHold: boolean
  snapshot: SnapshotRecord | null
  createdAt: string
  createdBy: string
  ageDays: number
  rows: number
}

export async function activeRestrictions(db: pg.Pool | pg.ClientBase, scope: string, clock: () => Date): Promise<ActiveRestriction[]> {
  const {rows} = await db.query(
    `
    SELECT x.*, (SELECT count(*) FROM heroku_privacy.restricted_rows r WHERE r.restriction_id = x.id)::int AS row_count
    FROM heroku_privacy.restrictions x WHERE x.scope = $1 AND x.lifted_at IS NULL ORDER BY x.created_at`,
    [scope],
  )
  return rows.map(row => ({
    id: row.id,
    reason: row.reason,
    subjectColumn: row.subject_column,
    subjectFingerprint: row.subject_fingerprint,
    requestId: row.request_id,
    legalHold: row.legal_hold,
    snapshot: row.snapshot,
    createdAt: (row.created_at as Date).toISOString(),
    createdBy: row.created_by,
    ageDays: Math.floor((clock().getTime() - (row.created_at as Date).getTime()) / 86_400_000),
    rows: row.row_count,
  }))
}

export interface LiftInput {
  pool: pg.Pool
  scope: string
  subjects: SubjectLookup[]
  key: Buffer
  approvedBy?: string
  evidence?: string
  releaseHold: boolean
  dryRun: boolean
  actor: string
  clock: () => Date
  withinTransaction?: (client: pg.PoolClient, lifted: ActiveRestriction[]) => Promise<void>
}

/**
 * Lifts the people's restrictions once their approval is recorded (who, when,
 * what evidence). A legal hold lifts only with `releaseHold`, and the result
 * names the snapshot that may now be deleted.
 */
export async function markLifted(input: LiftInput): Promise<ActiveRestriction[]> {
  if (!input.approvedBy || !input.evidence) {
    throw refused('approval_missing', "Lifting a restriction needs the person's recorded approval: who approved it, and the evidence (GDPR Art. 18(3)).")
  }
  return inTransaction(input.pool, {}, async client => {
    const prints = input.subjects.map(s => fingerprint(input.key, s.column, s.value))
    const active = (await activeRestrictions(client, input.scope, input.clock)).filter(r => prints.includes(r.subjectFingerprint))
    if (active.length < new Set(prints).size) {
      throw new PrivacyError(
        `No active restriction for ${input.subjects.length === 1 ? 'this subject' : 'some of these subjects'}; see \`heroku privacy:restrict:list\`.`,
        {code: 'restriction_not_found'},
      )
    }
    const held = active.filter(r => r.legalHold)
    if (held.length > 0 && !input.releaseHold) {
      throw refused('legal_hold', `${held.map(r => r.id).join(', ')} ${held.length === 1 ? 'is' : 'are'} under a legal hold.`)
    }
    if (input.dryRun) return active
    for (const restriction of active) {
      await client.query(
        'UPDATE heroku_privacy.restrictions SET lifted_at = $2, lifted_by = $3, approved_by = $4, evidence = $5 WHERE id = $1 AND lifted_at IS NULL',
        [restriction.id, input.clock(), input.actor, input.approvedBy, input.evidence],
      )
    }
    await input.withinTransaction?.(client, active)
    return active
  })
}

export interface BypassRecord {
  id: number
  at: string
  table: string
  pk: string
  operation: string
  reason: string
  dbUser: string
}

/** Bypasses the triggers logged since last time; `markRecorded` is called once they are in the ledger. */
export async function pendingBypasses(pool: pg.Pool): Promise<{bypasses: BypassRecord[]; markRecorded: () => Promise<void>}> {
  const {rows} = await pool.query('SELECT * FROM heroku_privacy.bypass_log WHERE NOT recorded ORDER BY id')
  const bypasses = rows.map(row => ({
    id: Number(row.id),
    at: (row.at as Date).toISOString(),
    table: row.table_name,
    pk: row.pk,
    operation: row.operation,
    reason: row.reason,
    dbUser: row.db_user,
  }))
  return {
    bypasses,
    markRecorded: async () => {
      if (bypasses.length > 0) await pool.query('UPDATE heroku_privacy.bypass_log SET recorded = true WHERE id = ANY($1)', [bypasses.map(b => b.id)])
    },
  }
}

import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import {edgesOf} from '../datamap/schema.js'
import {quoteIdent} from '../db/sql.js'
import {PrivacyError} from '../errors.js'
import type {LedgerContext} from '../ledger/context.js'
import {TouchedRow, appendEventWithRows} from '../ledger/events.js'
import {fingerprint} from '../ledger/fingerprint.js'
import {redactSubjectLines, subjectIdentifiers} from '../logs/subject-lines.js'
import type {ProgressSink} from '../progress.js'
import {planSubjectGraph} from '../subject/graph.js'
import type {SubjectLookup} from '../subject/parse.js'
import {resolveSubjects} from '../subject/resolve.js'
import {collectParentValues} from '../subject/rows.js'
import {ErasurePlan, planErasure} from './planner.js'
import {deriveHashKey} from './strategies.js'

export interface EraseInput {
  pool: pg.Pool
  mapFile: string
  subjects: SubjectLookup[]
  requestId: string | null
  dryRun: boolean
  includeConnect: boolean
  exceptHeld: boolean
  lockTimeoutMs: number
  /** The app's key (from the ledger): fingerprints in the record, and the derived key for hashed columns. */
  key: Buffer
  ledger: LedgerContext
  /** The ledger is in this database: the erasure and its record commit together. */
  sameDatabase: boolean
  /** A log store (privacy:logs:serve's) whose lines mentioning the people are redacted too. */
  logs?: pg.Pool
  progress?: ProgressSink
}

export interface ErasureReport {
  dryRun: boolean
  subjects: number
  plan: Array<Omit<ErasurePlan['steps'][number], 'params'>>
  held: ErasurePlan['held']
  skipped: ErasurePlan['skipped']
  notes: string[]
  unindexed: ErasurePlan['unindexed']
  /** Rows changed per table (with the dry run: rows that would be). */
  touched: Record<string, number>
  /** Data-changing statements executed: one per step, however many people. */
  statements: number
  /** Stored log lines redacted (with the dry run: that would be); null without a log store. */
  logLines: number | null
  ledgerEvent: number | null
}

const CONSTRAINT_ERRORS: Record<string, string> = {'23503': 'a foreign key', '23505': 'a unique constraint', '23514': 'a check constraint', '23502': 'a NOT NULL constraint'}

function describeFailure(error: unknown, table: string): Error {
  const e = error as {code?: string; constraint?: string; message?: string}
  if (e.code && CONSTRAINT_ERRORS[e.code]) {
    return new PrivacyError(`The erasure stopped at ${table}: ${CONSTRAINT_ERRORS[e.code]}${e.constraint ? ` (${e.constraint})` : ''} refused it — ${e.message}. Nothing was changed; adjust the map's strategies for ${table}.`, {code: 'erase_constraint'})
  }
  if (e.code === '55P03') {
    return new PrivacyError(`Another session holds locks on ${table}, and the lock timeout passed. Nothing was changed; try again when it is quieter, or raise --lock-timeout.`, {code: 'erase_lock_timeout'})
  }
  return error instanceof Error ? error : new Error(String(error))
}

/**
 * Erases everything the data map ties to the people, in one transaction:
 * the plan (references cleared, anonymised tables updated, tables deleted
 * children first) runs as one statement per step for the whole batch, and
 * the ledger records the primary keys touched and the people's fingerprints,
 * never the values. Any failure rolls everything back.
 */
export async function eraseSubjects(input: EraseInput): Promise<ErasureReport> {
  const client = await input.pool.connect()
  const logs = input.logs ? await input.logs.connect() : undefined
  let table = '(planning)'
  try {
    await client.query('BEGIN')
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(input.lockTimeoutMs))}`)
    const {loaded, schema} = await loadMapForDatabase(input.mapFile, client)
    const map = loaded.map
    const subjects = await resolveSubjects(client, map, input.subjects)
    const rootKeys = [...new Set(subjects.map(s => s.key))]
    const graph = planSubjectGraph(map, schema)
    const unconfirmed = graph.tables.filter(t => edgesOf(t.spec).some(e => e.proposed)).map(t => t.key)
    if (unconfirmed.length > 0) {
      throw new PrivacyError(`The map still has proposed references (${unconfirmed.join(', ')}); confirm each (remove "proposed: true") or remove it before erasing.`, {code: 'map_unconfirmed'})
    }
    input.progress?.({kind: 'step', message: `planning the erasure of ${subjects.length} ${subjects.length === 1 ? 'person' : 'people'}`})
    const values = await collectParentValues(client, graph, rootKeys, map.subject.key)
    const {rows: [registry]} = await client.query<{exists: boolean}>("SELECT to_regclass('heroku_privacy.restricted_rows') IS NOT NULL AS exists")
    const plan = await planErasure({
      client, map, schema, plan: graph, values, rootKeys, hashKey: deriveHashKey(input.key),
      includeConnect: input.includeConnect, exceptHeld: input.exceptHeld, hasRegistry: registry!.exists,
    })
    const report: ErasureReport = {
      dryRun: input.dryRun,
      subjects: subjects.length,
      plan: plan.steps.map(({params: _params, ...step}) => step),
      held: plan.held,
      skipped: plan.skipped,
      notes: plan.notes,
      unindexed: plan.unindexed,
      touched: {},
      statements: 0,
      logLines: null,
      ledgerEvent: null,
    }
    if (logs) {
      // Identifiers are read before anything is erased; the log store's change commits right after the erasure's.
      table = '(log store)'
      const identifiers = await subjectIdentifiers(client, {map, plan: graph, values, rootKeys, lookups: subjects.map(s => s.lookup)})
      if (!input.dryRun) await logs.query('BEGIN')
      report.logLines = await redactSubjectLines(logs, identifiers, {dryRun: input.dryRun})
    }
    if (input.dryRun) {
      for (const step of plan.steps) report.touched[step.table] = (report.touched[step.table] ?? 0) + step.rows
      await client.query('ROLLBACK')
      return report
    }
    await client.query(`SELECT set_config('heroku_privacy.bypass', $1, true)`, [`erasure${input.requestId ? ` for ${input.requestId}` : ''}`])
    const executed = await runSteps(client, plan, input.progress, current => {
      table = current
    })
    report.statements = executed.statements
    report.touched = executed.touched
    const rows = executed.rows
    table = '(deferred constraints)'
    const event = {
      action: 'erasure.executed',
      requestId: input.requestId,
      details: {
        subjects: subjects.map(s => ({lookup_column: s.lookup.column, fingerprint: fingerprint(input.key, s.lookup.column, s.lookup.value)})),
        tables: Object.fromEntries(plan.steps.map(s => [s.table, {action: s.kind, rows: report.touched[s.table]}])),
        held: plan.held,
        skipped: plan.skipped.map(s => s.table),
        ...(report.logLines === null ? {} : {log_lines: report.logLines}),
      },
    }
    if (input.sameDatabase) report.ledgerEvent = (await appendEventWithRows(input.ledger, event, rows, client)).seq
    await client.query('COMMIT')
    await logs?.query('COMMIT').catch(error => {
      throw new PrivacyError(`The erasure was committed, but the log store's redaction failed to commit (${(error as Error).message}); their stored log lines were not redacted: expire them (privacy:logs:expire) or redact them in the store by hand.`, {code: 'log_redaction_failed'})
    })
    if (!input.sameDatabase) {
      report.ledgerEvent = (await appendEventWithRows(input.ledger, event, rows).catch(error => {
        throw new PrivacyError(`The erasure was committed, but recording it in the separate ledger failed (${(error as Error).message}); keep this output, which lists what was erased, and check the ledger database.`, {code: 'ledger_write_failed', details: report})
      })).seq
    }
    return report
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    await logs?.query('ROLLBACK').catch(() => {})
    throw describeFailure(error, table)
  } finally {
    client.release()
    logs?.release()
  }
}

/**
 * Runs a plan's steps on a client inside the caller's transaction, deferring
 * the constraints the plan asks for; returns the primary keys touched.
 */
export async function runSteps(client: pg.ClientBase, plan: ErasurePlan, progress?: ProgressSink, onStep?: (table: string) => void): Promise<{statements: number; touched: Record<string, number>; rows: TouchedRow[]}> {
  for (const name of plan.deferred) await client.query(`SET CONSTRAINTS ${quoteIdent(name)} DEFERRED`)
  const touched: Record<string, number> = {}
  const rows: TouchedRow[] = []
  let statements = 0
  for (const [index, step] of plan.steps.entries()) {
    onStep?.(step.table)
    const result = await client.query<{pk: string}>(step.sql, step.params)
    statements++
    touched[step.table] = (touched[step.table] ?? 0) + (result.rowCount ?? 0)
    for (const row of result.rows) rows.push({table: step.table, pk: row.pk})
    progress?.({kind: 'count', label: 'steps', done: index + 1, total: plan.steps.length})
  }
  return {statements, touched, rows}
}

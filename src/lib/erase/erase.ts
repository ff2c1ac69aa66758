import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import {RecipientToTell, recipientsToTell} from '../datamap/processing.js'
import {DataMap, edgesOf} from '../datamap/schema.js'
import {quoteIdent} from '../db/sql.js'
import {PrivacyError, refused, violation} from '../errors.js'
import type {LedgerContext} from '../ledger/context.js'
import {fingerprint} from '../ledger/fingerprint.js'
import {deriveRowKey} from '../ledger/row-keys.js'
import {begin} from '../db/transaction.js'
import {TOUCHED, appendEventWithTouched, createTouched, dropTouched} from '../ledger/touched.js'
import {redactSubjectLines, subjectIdentifiers} from '../logs/subject-lines.js'
import type {ProgressSink} from '../progress.js'
import {planSubjectGraph} from '../subject/graph.js'
import {chooseSubjectRows} from '../subject/keyset.js'
import type {SubjectLookup} from '../subject/parse.js'
import {KindChoice, kindsOf, resolveSubjects, useRootKeys} from '../subject/resolve.js'
import {hasRegistry} from '../restrict/registry-sql.js'
import {refuseHiddenRows} from './decide.js'
import type {ErasurePlan, ErasureStep} from './plan.js'
import {planErasure} from './planner.js'
import {ResidueReport, ResidueTarget, checkResidue, collectIdentifiers} from './residue.js'
import {deriveHashKey} from './strategies.js'

export interface EraseInput {
  pool: pg.Pool
  mapFile: string
  subjects: SubjectLookup[]
  /** Which kind of person the lookups name (see KindChoice). */
  kinds?: KindChoice
  requestId: string | null
  dryRun: boolean
  includeConnect: boolean
  exceptHeld: boolean
  /** Rows shared with someone under a restriction: leave them, clearing only the erased person's links, instead of refusing. */
  unlinkRestrictedShared?: boolean
  lockTimeoutMs: number
  /**
   * Refuse (before any write) when foreign keys without an index would make Postgres read more rows than this,
   * checking the deletes; unset: no limit.
   */
  maxUnindexedScanRows?: number
  /** The app's key (from the ledger): fingerprints in the record, and the derived keys for hashed columns and row names. */
  key: Buffer
  ledger: LedgerContext
  /** The ledger is in this database: the erasure and its record commit together. */
  sameDatabase: boolean
  /** A log store (privacy:logs:serve's) whose lines mentioning the people are redacted too. */
  logs?: pg.Pool
  progress?: ProgressSink
  /** A monotonic clock in milliseconds (performance.now): with it, the report says how long the residue check took. */
  elapsed?: () => number
}

/** A mapped table holding the people's rows that this command leaves as they are, and why. */
export interface NotErased {
  table: string
  rows: number
  reason: string
}

export interface ErasureReport {
  dryRun: boolean
  /** Distinct people erased (two lookups naming the same person count once). */
  subjects: number
  /** The kinds of person they were found as. */
  kinds: string[]
  /** The steps, each with the rows it changed (with the dry run: rows it would change). */
  plan: Array<Omit<ErasureStep, 'params'>>
  held: ErasurePlan['held']
  restrictedShared: ErasurePlan['restrictedShared']
  skipped: ErasurePlan['skipped']
  /** Every mapped table that holds the people and was not (wholly) changed. */
  notErased: NotErased[]
  notes: string[]
  unindexed: ErasurePlan['unindexed']
  /** Rows changed per table (with the dry run: rows that would be). */
  touched: Record<string, number>
  /** Data-changing statements executed: one per step, however many people. */
  statements: number
  /** What the residue check searched and found before the commit (null on a dry run). */
  residue: ResidueReport | null
  /** Stored log lines redacted (with the dry run: that would be); null without a log store. */
  logLines: number | null
  /** The recipients the map names for the tables that held the people's data, who must be told (Art. 19). */
  recipientsToTell: RecipientToTell[]
  /** With `elapsed`: the whole transaction, and the part spent collecting identifiers and checking for residue. */
  timings?: {totalMs: number; residueMs: number}
  ledgerEvent: number | null
}

const CONSTRAINT_ERRORS: Record<string, string> = {
  '23503': 'a foreign key',
  '23505': 'a unique constraint',
  '23514': 'a check constraint',
  '23502': 'a NOT NULL constraint',
}

function describeFailure(error: unknown, table: string): Error {
  const e = error as {code?: string; constraint?: string; message?: string}
  if (e.code && CONSTRAINT_ERRORS[e.code]) {
    return new PrivacyError(
      `The erasure stopped at ${table}: ${CONSTRAINT_ERRORS[e.code]}${e.constraint ? ` (${e.constraint})` : ''} refused it — ${e.message}. Nothing was changed; adjust the map's strategies for ${table}.`,
      {code: 'erase_constraint'},
    )
  }
  if (e.code === '55P03') {
    return new PrivacyError(`Another session holds locks on ${table}, and the lock timeout passed. Nothing was changed; try again when it is quieter.`, {
      code: 'erase_lock_timeout',
    })
  }
  if (e.code === '42501') {
    return refused(
      'permission_denied',
      `The erasure stopped at ${table}: ${e.message}. Nothing was changed; grant the role the privilege, or run as a role that has it.`,
    )
  }
  return error instanceof Error ? error : new Error(String(error))
}

/** The people's rows this erasure leaves, so nothing of theirs goes unmentioned. */
function notErased(plan: ErasurePlan, counts: Map<string, number>, unreachable: string[]): NotErased[] {
  const left: NotErased[] = []
  for (const skipped of plan.skipped) left.push({table: skipped.table, rows: counts.get(skipped.table) ?? 0, reason: skipped.reason})
  for (const [table, rows] of Object.entries(plan.held)) left.push({table, rows, reason: 'under a legal hold'})
  for (const shared of plan.restrictedShared)
    left.push({
      table: shared.table,
      rows: shared.rows,
      reason: `shared with a restricted person (${shared.restrictions.join(', ')}); only this person's links were cleared`,
    })
  const changed = new Set(plan.steps.filter(s => s.own).map(s => s.table))
  for (const [table, rows] of counts) {
    if (rows > 0 && !changed.has(table) && !left.some(l => l.table === table)) left.push({table, rows, reason: 'the map gives its columns no erase strategy'})
  }
  for (const table of unreachable) left.push({table, rows: 0, reason: 'in the map but not connected to the person by any via edge'})
  return left.filter(l => l.rows > 0 || l.reason.startsWith('in the map'))
}

/** A plan whose unindexed foreign-key checks would read more rows than allowed is refused with the indexes that fix it. */
function refuseSlowPlan(plan: ErasurePlan, limit: number): void {
  const reads = plan.unindexed.reduce((sum, u) => sum + u.deletedRows * u.tableRows, 0)
  if (reads <= limit) return
  const fixes = plan.unindexed.map(u => `${u.createIndex};`).join(' ')
  throw refused(
    'erase_slow',
    `Checking the deletes would make Postgres read about ${reads.toLocaleString('en')} rows through foreign keys without an index (${plan.unindexed.map(u => `${u.table} (${u.columns.join(', ')})`).join(', ')}), far past the limit of ${limit.toLocaleString('en')}; nothing was changed. Create the indexes first: ${fixes}`,
    {details: plan.unindexed},
  )
}

function residueError(residue: ResidueReport): PrivacyError {
  const what = residue.fatal
    .map(hit => {
      if (hit.kind === 'rows_remain') return `${hit.table}: ${hit.rows} row(s) still there`
      if (hit.kind === 'json_keys_remain') return `${hit.table}.${hit.column}: erased JSON keys still in ${hit.rows} row(s)`
      if (hit.kind === 'rows_missed') return `${hit.table}: ${hit.rows} row(s) the plan announced were not changed`
      return `${hit.table}.${hit.column}: ${hit.rows} row(s)`
    })
    .join('; ')
  return violation(
    'residue',
    `The residue check found the person's identifiers where this erasure should have removed them (${what}); nothing was committed. This is a defect: report it with the map (not the data).`,
    {details: residue},
  )
}

/** Whom to tell (Art. 19): the recipients of every table the erasure changed or left holding the people's data. */
function recipientsOf(map: DataMap, report: ErasureReport): RecipientToTell[] {
  const changed = report.plan.filter(step => (report.touched[step.table] ?? 0) > 0).map(step => step.table)
  return recipientsToTell(map, [...new Set([...changed, ...report.notErased.map(n => n.table)])])
}

/**
 * Erases everything the data map ties to the people, in one transaction:
 * their rows are chosen once, by key, inside Postgres; the plan runs as one
 * statement per step for the whole batch; the residue check searches what
 * was erased for the people's identifiers before the commit and rolls back
 * on a hit; the ledger records the rows touched (by key, or keyed hashes of
 * personal keys) and the people's fingerprints, never the values.
 */
export async function eraseSubjects(input: EraseInput): Promise<ErasureReport> {
  const started = input.elapsed?.()
  let residueMs = 0
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const from = input.elapsed?.() ?? 0
    try {
      return await work()
    } finally {
      residueMs += (input.elapsed?.() ?? 0) - from
    }
  }
  const client = await input.pool.connect()
  const logs = input.logs ? await input.logs.connect() : undefined
  let table = '(planning)'
  try {
    await begin(client, {lockTimeoutMs: input.lockTimeoutMs, stableText: true, noJit: true})
    const {loaded, schema} = await loadMapForDatabase(input.mapFile, client)
    const map = loaded.map
    const subjects = await resolveSubjects(client, map, input.subjects, schema, input.kinds)
    const people = await useRootKeys(client, subjects)
    const graph = planSubjectGraph(map, schema, kindsOf(map, subjects))
    const unconfirmed = graph.tables.filter(t => edgesOf(t.spec).some(e => e.proposed)).map(t => t.key)
    if (unconfirmed.length > 0) {
      throw new PrivacyError(
        `The map still has proposed references (${unconfirmed.join(', ')}); confirm each (remove "proposed: true") or remove it before erasing.`,
        {code: 'map_unconfirmed'},
      )
    }
    const whom = `${people} ${people === 1 ? 'person' : 'people'}`
    input.progress?.({kind: 'step', message: `choosing the rows of ${whom}`})
    refuseHiddenRows(graph.tables.map(t => t.table))
    const rows = await chooseSubjectRows(client, graph, schema, {mode: 'temporary'})
    const counts = await rows.counts(client)
    const registryExists = await hasRegistry(client)
    input.progress?.({kind: 'step', message: `planning the erasure of ${whom}`})
    const plan = await planErasure({
      client,
      map,
      schema,
      rows,
      hashKey: deriveHashKey(input.key),
      rowKey: deriveRowKey(input.key),
      includeConnect: input.includeConnect,
      exceptHeld: input.exceptHeld,
      unlinkRestrictedShared: input.unlinkRestrictedShared === true,
      hasRegistry: registryExists,
    })
    if (!input.dryRun && input.maxUnindexedScanRows !== undefined) refuseSlowPlan(plan, input.maxUnindexedScanRows)
    const report: ErasureReport = {
      dryRun: input.dryRun,
      subjects: people,
      kinds: graph.roots.map(r => r.kind.name),
      plan: plan.steps.map(({params: _params, ...step}) => step),
      held: plan.held,
      restrictedShared: plan.restrictedShared,
      skipped: plan.skipped,
      notErased: notErased(plan, counts, graph.unreachable),
      notes: plan.notes,
      unindexed: plan.unindexed,
      touched: {},
      statements: 0,
      residue: null,
      logLines: null,
      ledgerEvent: null,
      recipientsToTell: [],
    }
    if (logs) {
      // Identifiers are read before anything is erased; the log store's change commits right after the erasure's.
      table = '(log store)'
      const identifiers = await subjectIdentifiers(client, {map, rows, lookups: subjects.map(s => s.lookup)})
      if (!input.dryRun) await logs.query('BEGIN')
      report.logLines = await redactSubjectLines(logs, identifiers, {dryRun: input.dryRun})
    }
    if (input.dryRun) {
      for (const step of plan.steps) report.touched[step.table] = (report.touched[step.table] ?? 0) + step.rows
      report.recipientsToTell = recipientsOf(map, report)
      await client.query('ROLLBACK')
      return report
    }
    const identifiers = await timed(() =>
      collectIdentifiers(
        client,
        rows.sets,
        map,
        subjects.map(s => s.lookup),
      ),
    )
    await client.query(`SELECT set_config('heroku_privacy.bypass', $1, true)`, [`erasure${input.requestId ? ` for ${input.requestId}` : ''}`])
    await createTouched(client)
    const target = (step: ErasureStep): ResidueTarget => ({
      table: schema.tables.get(step.table)!,
      key: step.table,
      action: step.kind === 'delete' ? 'delete' : 'anonymize',
      leftAlone: plan.leftAlone(step.table, 't'),
    })
    let anonymised: ResidueReport | undefined
    // Anonymised rows are searched before the deletes: a delete's ON DELETE SET NULL can move rows known only by address.
    const executed = await runSteps(
      client,
      plan,
      input.progress,
      current => {
        table = current
      },
      async done => {
        table = '(residue check)'
        anonymised = await timed(() => checkResidue(client, rows.sets, map, plan.steps.filter(s => s.own && s.kind === 'anonymize').map(target), identifiers))
        // A step that changed fewer of the people's rows than it announced missed some: as bad as a value left behind.
        plan.steps.slice(0, done.length).forEach((step, i) => {
          if (step.own && step.kind === 'anonymize' && done[i]! < step.rows)
            anonymised!.fatal.push({table: step.table, column: '*', rows: step.rows - done[i]!, kind: 'rows_missed'})
        })
      },
    )
    report.touched = executed.touched
    report.plan = report.plan.map((step, i) => ({...step, rows: executed.perStep[i]!}))
    report.recipientsToTell = recipientsOf(map, report)
    report.statements = plan.steps.length
    table = '(residue check)'
    input.progress?.({kind: 'step', message: 'checking that nothing of the person is left where the map erases'})
    const deleted = await timed(() => checkResidue(client, rows.sets, map, plan.steps.filter(s => s.own && s.kind === 'delete').map(target), identifiers, rows))
    report.residue = {
      identifiers,
      columns: anonymised!.columns + deleted.columns,
      fatal: [...anonymised!.fatal, ...deleted.fatal],
      found: [...anonymised!.found, ...deleted.found],
    }
    if (report.residue.fatal.length > 0) throw residueError(report.residue)
    table = '(deferred constraints)'
    const event = {
      action: 'erasure.executed',
      requestId: input.requestId,
      details: {
        subjects: subjects.map(s => ({kind: s.kind, lookup_column: s.lookup.column, fingerprint: fingerprint(input.key, s.lookup.column, s.lookup.value)})),
        tables: Object.fromEntries(plan.steps.map(s => [s.table, {action: s.kind, rows: report.touched[s.table] ?? 0}])),
        held: plan.held,
        skipped: plan.skipped.map(s => s.table),
        residue: {identifiers: report.residue.identifiers, columns: report.residue.columns, found: report.residue.found},
        ...(plan.restrictedShared.length > 0 ? {unlink_restricted_shared: true} : {}),
        ...(report.logLines === null ? {} : {log_lines: report.logLines}),
      },
    }
    if (input.sameDatabase) report.ledgerEvent = (await appendEventWithTouched(input.ledger, event, client, client)).seq
    await client.query('COMMIT')
    if (started !== undefined) report.timings = {totalMs: input.elapsed!() - started, residueMs}
    await logs?.query('COMMIT').catch(error => {
      throw new PrivacyError(
        `The erasure was committed, but the log store's redaction failed to commit (${(error as Error).message}); their stored log lines were not redacted: expire them (privacy:logs:expire) or redact them in the store by hand.`,
        {code: 'log_redaction_failed'},
      )
    })
    if (!input.sameDatabase) {
      report.ledgerEvent = (
        await appendEventWithTouched(input.ledger, event, client).catch(error => {
          throw new PrivacyError(
            `The erasure was committed, but recording it in the separate ledger failed (${(error as Error).message}); keep this output, which lists what was erased, and check the ledger database.`,
            {code: 'ledger_write_failed', details: report},
          )
        })
      ).seq
    }
    return report
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    await logs?.query('ROLLBACK').catch(() => {})
    throw describeFailure(error, table)
  } finally {
    await dropTouched(client).catch(() => {})
    client.release()
    logs?.release()
  }
}

/**
 * Runs a plan's steps on a client inside the caller's transaction, deferring
 * the constraints the plan asks for. The people's own rows each step changes
 * go to the session's touched table (what the ledger records), never to
 * client memory; other people's rows (references cleared) are only counted —
 * a replay finds those again from the foreign keys. Returns rows per table.
 */
export async function runSteps(
  client: pg.ClientBase,
  plan: ErasurePlan,
  progress?: ProgressSink,
  onStep?: (table: string) => void,
  beforeDeletes?: (perStep: number[]) => Promise<void>,
): Promise<{touched: Record<string, number>; perStep: number[]}> {
  for (const name of plan.deferred) await client.query(`SET CONSTRAINTS ${quoteIdent(name)} DEFERRED`)
  const touched: Record<string, number> = {}
  const perStep: number[] = []
  let checked = false
  for (const [index, step] of plan.steps.entries()) {
    if (step.kind === 'delete' && !checked) {
      checked = true
      await beforeDeletes?.(perStep)
    }
    onStep?.(step.table)
    const ctes = [
      `changed AS (${step.sql})`,
      ...(step.follow ?? []).map((sql, i) => `follow${i} AS (${sql})`),
      `recorded AS (INSERT INTO ${TOUCHED} (table_name, pk) SELECT $${step.params.length + 1}, pk FROM changed WHERE own)`,
    ]
    const {
      rows: [result],
    } = await client.query<{n: string}>(`WITH ${ctes.join(', ')} SELECT count(*) AS n FROM changed`, [...step.params, step.table])
    perStep.push(Number(result!.n))
    touched[step.table] = (touched[step.table] ?? 0) + Number(result!.n)
    progress?.({kind: 'count', label: 'steps', done: index + 1, total: plan.steps.length})
  }
  if (!checked) await beforeDeletes?.(perStep)
  return {touched, perStep}
}

import {randomUUID} from 'node:crypto'

import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import {DURATION, TableMap} from '../datamap/schema.js'
import type {TableInfo} from '../db/introspect.js'
import {SqlParams} from '../db/params.js'
import {primaryKeyText, quoteIdent, quoteTable} from '../db/sql.js'
import {refused, violation} from '../errors.js'
import type {LedgerContext} from '../ledger/context.js'
import {inTransaction} from '../db/transaction.js'
import {addMonths} from '../ledger/dates.js'
import {appendEvent, listEvents} from '../ledger/events.js'
import {LedgerHead, formatHead} from '../ledger/head.js'
import {deriveRowKey, keyIsPersonal, recordedKeySql} from '../ledger/row-keys.js'
import {TOUCHED, appendEventWithTouched, createTouched, dropTouched} from '../ledger/touched.js'
import type {ProgressSink} from '../progress.js'
import {hasRegistry, restrictedRowCondition} from '../restrict/registry-sql.js'
import {KeySet, sameRow} from '../subject/keyset.js'
import {checkResidue, collectIdentifiers} from '../erase/residue.js'
import {columnAssignment, deriveHashKey} from '../erase/strategies.js'

export interface RetentionInput {
  pool: pg.Pool
  mapFile: string
  ledger: LedgerContext
  /** The ledger is in this database: each batch and its progress record commit together. */
  sameDatabase: boolean
  key: Buffer
  dryRun: boolean
  batchSize: number
  lockTimeoutMs: number
  progress?: ProgressSink
}

export interface RetentionTableReport {
  table: string
  action: 'delete' | 'anonymize'
  column: string
  cutoff: string
  /** For anonymize: rows that passed the cutoff since the last finished run are all that is touched. */
  from: string | null
  rows: number
  batches: number
  skippedRestricted: number
}

export interface RetentionReport {
  run: string
  resumed: boolean
  dryRun: boolean
  tables: RetentionTableReport[]
  /** The ledger's head after the run's last event (null on a dry run). */
  ledgerHead: LedgerHead | null
}

export function cutoffFor(now: Date, after: string): Date {
  const [, amount, unit] = DURATION.exec(after)!
  const n = Number(amount)
  if (unit === 'day') return new Date(now.getTime() - n * 86_400_000)
  if (unit === 'week') return new Date(now.getTime() - n * 7 * 86_400_000)
  const months = unit === 'year' ? n * 12 : n
  const moved = addMonths(now, -months)
  return new Date(moved.getTime() + (now.getTime() % 86_400_000))
}

interface RunState {
  run: string
  resumed: boolean
  cutoffs: Record<string, string>
  froms: Record<string, string | null>
  lastKeys: Record<string, string[] | null>
}

/** Finds an unfinished run to resume, or starts a new one from the last finished run's cutoffs. */
async function startRun(input: RetentionInput, rules: Array<{key: string; rule: NonNullable<TableMap['retention']>}>): Promise<RunState> {
  const retention = await listEvents(input.ledger.pool, {scope: input.ledger.scope, actionPrefix: 'retention.', limit: 1_000_000})
  const lastStart = retention.filter(e => e.action === 'retention.started').at(-1)
  const finished = new Set(retention.filter(e => e.action === 'retention.finished').map(e => e.details.run as string))
  if (lastStart && !finished.has(lastStart.details.run as string) && !input.dryRun) {
    const run = lastStart.details.run as string
    const lastKeys: Record<string, string[] | null> = {}
    for (const batch of retention.filter(e => e.action === 'retention.batch' && e.details.run === run))
      lastKeys[batch.details.table as string] = batch.details.last_key as string[]
    return {
      run,
      resumed: true,
      cutoffs: lastStart.details.cutoffs as Record<string, string>,
      froms: lastStart.details.froms as Record<string, string | null>,
      lastKeys,
    }
  }
  const previous = retention.filter(e => e.action === 'retention.started' && finished.has(e.details.run as string)).at(-1)
  const now = input.ledger.clock()
  const cutoffs: Record<string, string> = {}
  const froms: Record<string, string | null> = {}
  for (const {key, rule} of rules) {
    cutoffs[key] = cutoffFor(now, rule.after).toISOString()
    froms[key] = rule.action === 'anonymize' ? ((previous?.details.cutoffs as Record<string, string> | undefined)?.[key] ?? null) : null
  }
  const state = {run: randomUUID(), resumed: false, cutoffs, froms, lastKeys: {}}
  if (!input.dryRun) await appendEvent(input.ledger, {action: 'retention.started', details: {run: state.run, cutoffs, froms}})
  return state
}

function keysAfter(table: TableInfo, last: string[] | null, params: SqlParams): string {
  if (!last) return 'true'
  const columns = table.primaryKey.map(c => `t.${quoteIdent(c)}`)
  const bound = table.primaryKey.map((c, i) => `${params.add(last[i])}::${table.columns.find(col => col.name === c)!.type}`)
  return `(${columns.join(', ')}) > (${bound.join(', ')})`
}

/** One batch's rows, chosen by key into a temporary table, seen as a key set so the residue check can search them. */
function batchSet(key: string, table: TableInfo, spec: TableMap): KeySet {
  return {
    planned: {key, table, spec, level: 0, edges: []},
    relation: 'pg_temp.hp_batch',
    from: quoteTable(table),
    keys: table.primaryKey.map((column, i) => ({column, alias: `k${i}`})),
    byAddress: false,
    carried: new Map(),
  }
}

/**
 * Applies every `retention:` rule of the map: rows whose column is older than
 * `after` are deleted or anonymised in keyset batches, each batch its own
 * transaction with its progress recorded in the ledger, so a run killed
 * between batches resumes where it stopped. Restricted and held rows are
 * never touched.
 */
export async function runRetention(input: RetentionInput): Promise<RetentionReport> {
  const {loaded, schema} = await loadMapForDatabase(input.mapFile, input.pool)
  const rules = Object.entries(loaded.map.tables)
    .filter(([, spec]) => spec.retention)
    .map(([key, spec]) => ({key, spec, rule: spec.retention!}))
  const state = await startRun(input, rules)
  const registryExists = await hasRegistry(input.pool)
  const hashKey = deriveHashKey(input.key)
  const rowKey = deriveRowKey(input.key)
  const report: RetentionReport = {run: state.run, resumed: state.resumed, dryRun: input.dryRun, tables: [], ledgerHead: null}
  for (const {key, spec, rule} of rules) {
    const table = schema.tables.get(key)!
    const keyText = primaryKeyText(table, 't')
    const restricted = registryExists ? restrictedRowCondition(key, keyText) : 'false'
    const cutoff = state.cutoffs[key]!
    const from = state.froms[key] ?? null
    const window = `t.${quoteIdent(rule.column)} < $1::timestamptz${from ? ` AND t.${quoteIdent(rule.column)} >= $2::timestamptz` : ''}`
    const windowParams = from ? [cutoff, from] : [cutoff]
    const entry: RetentionTableReport = {table: key, action: rule.action, column: rule.column, cutoff, from, rows: 0, batches: 0, skippedRestricted: 0}
    report.tables.push(entry)
    entry.skippedRestricted = (
      await input.pool.query<{n: number}>(`SELECT count(*)::int AS n FROM ${quoteTable(table)} t WHERE ${window} AND ${restricted}`, windowParams)
    ).rows[0]!.n
    if (input.dryRun) {
      entry.rows = (
        await input.pool.query<{n: number}>(`SELECT count(*)::int AS n FROM ${quoteTable(table)} t WHERE ${window} AND NOT ${restricted}`, windowParams)
      ).rows[0]!.n
      continue
    }
    if (table.primaryKey.length === 0) {
      throw refused(
        'retention_no_key',
        `${key} has no primary key, so its retention cannot run in resumable batches; add a primary key, or remove its retention rule and delete old rows by hand.`,
      )
    }
    // A key that is personal data is never written into the ledger, so a run resumed after a crash starts that table again.
    const personalKey = keyIsPersonal(table, loaded.map)
    let last = state.lastKeys[key] ?? null
    const set = batchSet(key, table, spec)
    for (;;) {
      const done = await inTransaction(input.pool, {lockTimeoutMs: input.lockTimeoutMs, stableText: true}, async client => {
        const chosen = new SqlParams(windowParams)
        await client.query(
          `CREATE TEMPORARY TABLE hp_batch ON COMMIT DROP AS SELECT ${set.keys.map(k => `t.${quoteIdent(k.column)} AS ${k.alias}`).join(', ')} FROM ${quoteTable(table)} t
           WHERE ${window} AND NOT ${restricted} AND ${keysAfter(table, last, chosen)} ORDER BY ${table.primaryKey.map(c => `t.${quoteIdent(c)}`).join(', ')} LIMIT ${Math.floor(input.batchSize)}`,
          chosen.values,
        )
        const {
          rows: [size],
        } = await client.query<{n: string; last: string[] | null}>(
          `SELECT count(*) AS n, (SELECT ARRAY[${set.keys.map(k => `${k.alias}::text`).join(', ')}] FROM ${set.relation} ORDER BY ${set.keys.map(k => k.alias).join(', ')} DESC LIMIT 1) AS last FROM ${set.relation}`,
        )
        const rows = Number(size!.n)
        if (rows === 0) return true
        const identifiers = rule.action === 'anonymize' ? await collectIdentifiers(client, new Map([[key, set]]), loaded.map, []) : 0
        await createTouched(client)
        const params = new SqlParams()
        const recorded = recordedKeySql(table, loaded.map, 't', rowKey, params.add)
        const matched = `${sameRow(set, 't', 'k')}`
        let change: string | undefined
        if (rule.action === 'delete') {
          change = `DELETE FROM ${quoteTable(table)} t USING ${set.relation} k WHERE ${matched} RETURNING ${recorded} AS pk`
        } else {
          const sets = table.columns.flatMap(column => {
            const columnSpec = spec.columns?.[column.name]
            const assignment =
              columnSpec && !column.generated && columnAssignment(column, columnSpec, {table, keyText: primaryKeyText(table, 't'), hashKey, param: params.add})
            return assignment ? [`${quoteIdent(column.name)} = ${assignment}`] : []
          })
          if (sets.length > 0)
            change = `UPDATE ${quoteTable(table)} t SET ${sets.join(', ')} FROM ${set.relation} k WHERE ${matched} RETURNING ${recorded} AS pk`
        }
        if (change)
          await client.query(`WITH changed AS (${change}) INSERT INTO ${TOUCHED} (table_name, pk) SELECT ${params.add(key)}, pk FROM changed`, params.values)
        const residue = await checkResidue(client, new Map([[key, set]]), loaded.map, [{table, key, action: rule.action, leftAlone: 'false'}], identifiers)
        if (residue.fatal.length > 0) {
          throw violation(
            'residue',
            `The residue check found erased values still in ${residue.fatal.map(f => `${f.table}.${f.column} (${f.rows} row(s))`).join(', ')} after a retention batch; the batch was rolled back and the run stopped. This is a defect: report it with the map (not the data).`,
            {details: residue},
          )
        }
        last = size!.last
        const event = {action: 'retention.batch', details: {run: state.run, table: key, action: rule.action, rows, last_key: personalKey ? null : last}}
        await appendEventWithTouched(input.ledger, event, client, input.sameDatabase ? client : undefined)
        await dropTouched(client)
        entry.rows += rows
        entry.batches++
        input.progress?.({kind: 'count', label: `${key} rows`, done: entry.rows})
        return rows < input.batchSize
      })
      if (done) break
    }
  }
  if (!input.dryRun) {
    report.ledgerHead = formatHead(
      await appendEvent(input.ledger, {
        action: 'retention.finished',
        details: {run: state.run, tables: Object.fromEntries(report.tables.map(t => [t.table, t.rows]))},
      }),
    )
  }
  return report
}

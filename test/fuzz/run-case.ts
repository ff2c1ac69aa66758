import {randomBytes} from 'node:crypto'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'

import {eraseSubjects} from '../../src/lib/erase/erase.js'
import {isPrivacyError} from '../../src/lib/errors.js'
import type {LedgerContext} from '../../src/lib/ledger/context.js'
import {ledgerKey} from '../../src/lib/ledger/fingerprint.js'
import {migrateLedger} from '../../src/lib/ledger/migrate.js'
import {restrictPeople} from '../../src/lib/restrict/restrict.js'
import {writeMapFromScan} from '../../src/lib/scan/run-scan.js'
import {reviewMap} from './map-review.js'
import type {FuzzCase, Person} from './model.js'
import {readCatalog} from './oracle/catalog.js'
import type {Failure} from './oracle/failures.js'
import {ErasureOutcome, judge} from './oracle/judge.js'
import {OracleMap, readOracleMap} from './oracle/map.js'
import {takeSnapshot} from './oracle/snapshot.js'
import {caseSql} from './sql.js'

/**
 * Where cases run: databases on one server, each reused case after case and
 * reset in between (every schema dropped, the ledger created again), which
 * costs a few milliseconds where a new database costs hundreds on a busy
 * machine. A case never sees anything of the one before.
 */
export interface FuzzEnv {
  url: (database?: string) => string
  slots: FuzzSlot[]
  dir: string
}

export interface FuzzSlot {
  name: string
  pool: pg.Pool
}

export async function openFuzzEnv(url: (database?: string) => string, slots = 1): Promise<FuzzEnv> {
  const prefix = `fz_${randomBytes(3).toString('hex')}`
  const env: FuzzEnv = {url, slots: [], dir: await mkdtemp(join(tmpdir(), 'privacy-fuzz-'))}
  for (let i = 0; i < slots; i++) {
    const name = `${prefix}_${i}`
    await adminQuery(url, `CREATE DATABASE ${name}`)
    const pool = new pg.Pool({connectionString: url(name), max: 4})
    // A connection ended while idle (the database is dropped at the end) must not bring the run down.
    pool.on('error', () => {})
    env.slots.push({name, pool})
  }
  return env
}

export async function closeFuzzEnv(env: FuzzEnv): Promise<void> {
  for (const slot of env.slots) {
    await slot.pool.end()
    await adminQuery(env.url, `DROP DATABASE IF EXISTS ${slot.name} WITH (FORCE)`)
  }
  await rm(env.dir, {recursive: true, force: true})
}

/** Drops every schema but the system's, then creates public and the ledger again: an empty database. */
export async function resetSlot(slot: FuzzSlot): Promise<void> {
  const {rows} = await slot.pool.query<{name: string}>(`SELECT nspname AS name FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'`)
  const schemas = rows.map(r => `"${r.name.replace(/"/g, '""')}"`)
  await slot.pool.query(`${schemas.length > 0 ? `DROP SCHEMA ${schemas.join(', ')} CASCADE; ` : ''}CREATE SCHEMA public`)
  await migrateLedger(slot.pool, slot.name)
}

async function adminQuery(url: FuzzEnv['url'], sql: string): Promise<void> {
  const admin = new pg.Client({connectionString: url()})
  await admin.connect()
  try {
    await admin.query(sql)
  } finally {
    await admin.end()
  }
}

export interface StepVerdict {
  person: number
  lookup: {column: string; value: string}
  outcome: ErasureOutcome
  /** The steps the tool reported (kind, table, what), when it ran. */
  plan: string[]
  failures: Failure[]
  notes: string[]
}

export interface CaseVerdict {
  seed: number
  status: 'pass' | 'refused' | 'fail'
  steps: StepVerdict[]
  /** Set when the scan itself refused or failed: no erasure ran. */
  scan?: ErasureOutcome
  notes: string[]
  failures: Failure[]
  /** The reviewed map the erasures used. */
  map?: string
}

const TODAY = new Date('2026-01-15T00:00:00Z')

/** Builds the case in a fresh database, scans, reviews the map, erases each person in turn and judges each erasure. */
export async function runCase(env: FuzzEnv, slot: FuzzSlot, fuzzCase: FuzzCase): Promise<CaseVerdict> {
  const {pool} = slot
  await resetSlot(slot)
  const mapFile = join(env.dir, `${slot.name}.yml`)
  const verdict: CaseVerdict = {seed: fuzzCase.seed, status: 'pass', steps: [], notes: [], failures: []}
  try {
    await pool.query(caseSql(fuzzCase))
    try {
      await writeMapFromScan({pool, file: mapFile, subjectTable: fuzzCase.root, today: TODAY})
    } catch (error) {
      verdict.scan = outcomeOf(error)
      if (verdict.scan.status === 'crash') verdict.failures.push({kind: 'crash', detail: `privacy:scan: ${verdict.scan.error!.message}`})
      return finish(verdict)
    }
    verdict.notes.push(...(await reviewMap(mapFile, fuzzCase.reviewerEdits)))
    verdict.map = await readFile(mapFile, 'utf8')
    const map = await readOracleMap(mapFile)
    const ledger: LedgerContext = {pool, scope: 'fuzz', actor: 'fuzz@example.invalid', clock: () => new Date()}
    const key = await ledgerKey(pool, ledger.scope)
    const restricted = await restrict(fuzzCase, pool, ledger, mapFile, map, verdict)
    const catalog = await readCatalog(pool)
    for (const index of fuzzCase.erase) {
      const person = fuzzCase.people[index]!
      const lookup = lookupFor(fuzzCase, map, person)
      const before = await takeSnapshot(pool, catalog)
      const plan: string[] = []
      const outcome = await eraseSubjects({
        pool,
        mapFile,
        subjects: [lookup],
        requestId: null,
        dryRun: false,
        includeConnect: true,
        exceptHeld: false,
        unlinkRestrictedShared: restricted?.unlinkShared === true,
        lockTimeoutMs: 10_000,
        key,
        ledger,
        sameDatabase: true,
      }).then((report): ErasureOutcome => {
        plan.push(
          ...report.plan.map(
            step =>
              `${step.kind} ${step.table} ${report.touched[step.table] ?? 0}: ${step.columns ? step.columns.map(c => `${c.column} ${c.strategy}`).join(', ') : step.description}`,
          ),
        )
        plan.push(...report.skipped.map(s => `skipped ${s.table}: ${s.reason}`), ...report.notes.map(n => `note: ${n}`))
        return {status: 'done'}
      }, outcomeOf)
      const after = await takeSnapshot(pool, catalog)
      const others = fuzzCase.people.filter((_, i) => i !== index)
      const editedTables = fuzzCase.reviewerEdits.flatMap(e => (e.kind === 'column-strategy' ? [e.table] : []))
      const judged = await judge({pool, catalog, map, before, after, person, others, outcome, editedTables, ...(restricted ? {restricted} : {})})
      verdict.steps.push({person: index, lookup: {column: lookup.column, value: lookup.value}, outcome, plan, ...judged})
      verdict.failures.push(...judged.failures)
    }
    return finish(verdict)
  } finally {
    await rm(mapFile, {force: true})
  }
}

function finish(verdict: CaseVerdict): CaseVerdict {
  const refused = verdict.scan !== undefined || verdict.steps.some(s => s.outcome.status !== 'done')
  verdict.status = verdict.failures.length > 0 ? 'fail' : refused ? 'refused' : 'pass'
  return verdict
}

function outcomeOf(error: unknown): ErasureOutcome {
  if (isPrivacyError(error)) return {status: 'refused', error: {code: error.code, exitCode: error.exitCode, message: error.message}}
  return {status: 'crash', error: {message: error instanceof Error ? error.message : String(error)}}
}

/** By email when the map allows it and the case asks for it, else by the root key. */
function lookupFor(fuzzCase: FuzzCase, map: OracleMap, person: Person): {column: string; value: string} {
  if (fuzzCase.lookupByEmail && map.subject.lookup.includes(fuzzCase.rootEmail)) return {column: fuzzCase.rootEmail, value: person.email}
  return {column: map.subject.key, value: person.key}
}

/** Restricts the case's person through the tool; a refusal leaves the case without a restriction. */
async function restrict(
  fuzzCase: FuzzCase,
  pool: pg.Pool,
  ledger: LedgerContext,
  mapFile: string,
  map: OracleMap,
  verdict: CaseVerdict,
): Promise<{person: Person; legalHold: boolean; unlinkShared: boolean} | undefined> {
  if (!fuzzCase.restrict) return undefined
  const person = fuzzCase.people[fuzzCase.restrict.person]!
  try {
    await restrictPeople({
      registry: pool,
      registryLabel: 'fuzz',
      ledger,
      sameDatabase: true,
      mapFile,
      subjects: [{column: map.subject.key, value: person.key}],
      reason: fuzzCase.restrict.legalHold ? 'legal-claim' : 'accuracy',
      requestId: null,
      legalHold: fuzzCase.restrict.legalHold,
      snapshot: 'none',
      enforce: false,
      wait: {clock: () => new Date(), sleep: ms => new Promise(resolve => setTimeout(resolve, ms))},
    })
    return {person, legalHold: fuzzCase.restrict.legalHold, unlinkShared: fuzzCase.restrict.unlinkShared === true}
  } catch (error) {
    if (!isPrivacyError(error)) throw error
    verdict.notes.push(`restriction refused (${error.code}): ${error.message}`)
    return undefined
  }
}

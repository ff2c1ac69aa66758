/**
 * Evaluates the scan on one corpus application: builds its schema in a fresh
 * database, fills it with synthetic rows, runs the real scan through the
 * library, and scores the map it writes against the labels.
 */
import {randomBytes} from 'node:crypto'
import {mkdtemp, readFile, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'

import {loadDataMap} from '../../../src/lib/datamap/load.js'
import {PrivacyError} from '../../../src/lib/errors.js'
import {writeMapFromScan} from '../../../src/lib/scan/run-scan.js'
import {addConstraints, createTables, tableKeyOf} from './build.js'
import {generateRows} from './generate.js'
import {AppScore, ScanOutcome, scoreApp} from './score.js'
import type {CorpusLabels, CorpusSchema} from './types.js'

/** The date the generator and the scan treat as today, so birth dates and ages stay put. */
export const CORPUS_TODAY = new Date('2026-01-15T00:00:00Z')
export const CORPUS_SEED = 'corpus-1'

export interface CorpusApp {
  name: string
  schema: CorpusSchema
  labels: CorpusLabels
}

/** Every application folder under `dir` that has both files. */
export async function loadCorpus(dir: string, only?: string[]): Promise<CorpusApp[]> {
  const apps: CorpusApp[] = []
  for (const entry of (await readdir(dir, {withFileTypes: true})).filter(e => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (only && only.length > 0 && !only.includes(entry.name)) continue
    const files = await readdir(join(dir, entry.name))
    if (!files.includes('schema.json') || !files.includes('labels.json')) continue
    apps.push({
      name: entry.name,
      schema: JSON.parse(await readFile(join(dir, entry.name, 'schema.json'), 'utf8')) as CorpusSchema,
      labels: JSON.parse(await readFile(join(dir, entry.name, 'labels.json'), 'utf8')) as CorpusLabels,
    })
  }
  return apps
}

/** Databases built and filled in this process, by server, application and seed: the scan only reads them. */
const built = new Map<string, Promise<{url: string; filled: Set<string>}>>()

/**
 * The application's database on this server, built and filled the first time it is asked for and shared by
 * every later evaluation in the same process; it lasts as long as the server.
 */
export function builtApp(serverUrl: (db?: string) => string, app: CorpusApp): Promise<{url: string; filled: Set<string>}> {
  const key = `${serverUrl()}\u0000${app.name}\u0000${CORPUS_SEED}`
  let entry = built.get(key)
  if (!entry) {
    entry = buildDatabase(serverUrl, app)
    built.set(key, entry)
    entry.catch(() => built.delete(key))
  }
  return entry
}

async function buildDatabase(serverUrl: (db?: string) => string, app: CorpusApp): Promise<{url: string; filled: Set<string>}> {
  const name = `corpus_${app.name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({connectionString: serverUrl()})
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = serverUrl(name)
  try {
    return {url, filled: await loadApp(url, app)}
  } catch (error) {
    await dropDatabase(serverUrl, name)
    throw error
  }
}

async function dropDatabase(serverUrl: (db?: string) => string, name: string): Promise<void> {
  const admin = new pg.Client({connectionString: serverUrl()})
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

/** Builds and fills the app's schema; returns the columns holding data. */
export async function loadApp(url: string, app: CorpusApp): Promise<Set<string>> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    await createTables(client, app.schema)
    const {filled} = await generateRows(client, app.schema, app.labels, {seed: CORPUS_SEED, today: CORPUS_TODAY})
    await addConstraints(client, app.schema)
    return filled
  } finally {
    await client.end()
  }
}

async function scan(pool: pg.Pool, subjectTable: string | undefined) {
  const dir = await mkdtemp(join(tmpdir(), 'corpus-scan-'))
  try {
    const file = join(dir, 'privacy.yml')
    const report = await writeMapFromScan({pool, file, subjectTable, today: CORPUS_TODAY})
    return {report, map: (await loadDataMap(file)).map}
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

/**
 * Runs the scan as a user would (no subject table given). When it picks the
 * wrong table or cannot tell, it runs again with the right one, so that reach
 * and references are still measured.
 */
export async function scanApp(pool: pg.Pool, expectedSubject: string): Promise<ScanOutcome> {
  let guessed: string | null = null
  let first: Awaited<ReturnType<typeof scan>> | undefined
  try {
    first = await scan(pool, undefined)
    guessed = first.report.subject?.table ?? null
  } catch (error) {
    if (!(error instanceof PrivacyError && error.code === 'subject_unknown')) throw error
  }
  const right = first && guessed === expectedSubject ? first : await scan(pool, expectedSubject)
  return {
    guessedSubject: guessed,
    flagged: new Map((first ?? right).report.columns.map(c => [`${c.table}.${c.column}`, c.category])),
    map: right.map,
    reportedUnreachable: right.report.unreachable,
  }
}

export async function evaluateApp(serverUrl: (db?: string) => string, app: CorpusApp): Promise<AppScore> {
  const {url, filled} = await builtApp(serverUrl, app)
  const pool = new pg.Pool({connectionString: url, max: 4})
  // An idle connection the server ends (as it stops at the end of a run) is no error of the evaluation.
  pool.on('error', () => {})
  try {
    const outcome = await scanApp(pool, app.labels.subjects[0]!.table)
    return scoreApp({
      app: app.name,
      tables: app.schema.tables.length,
      columns: app.schema.tables.reduce((n, t) => n + t.columns.length, 0),
      tableKeys: new Set(app.schema.tables.map(tableKeyOf)),
      labels: app.labels,
      filled,
      outcome,
    })
  } finally {
    await pool.end()
  }
}

const sizeOf = (app: CorpusApp) => app.schema.tables.reduce((n, t) => n + t.columns.length, 0)

/**
 * Scores every application, two at a time by default (each in its own database, built once per process),
 * the largest first so that the longest build does not come last; scores in the corpus's order.
 */
export async function evaluateCorpus(
  serverUrl: (db?: string) => string,
  apps: CorpusApp[],
  options: {concurrency?: number; onDone?: (app: string, ms: number) => void} = {},
): Promise<AppScore[]> {
  const scores: AppScore[] = new Array(apps.length)
  const queue = apps.map((app, index) => ({app, index})).sort((a, b) => sizeOf(b.app) - sizeOf(a.app))
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const started = Date.now()
      scores[next.index] = await evaluateApp(serverUrl, next.app)
      options.onDone?.(next.app.name, Date.now() - started)
    }
  }
  await Promise.all(Array.from({length: Math.max(1, options.concurrency ?? 2)}, worker))
  return scores
}

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

async function withDatabase<T>(serverUrl: (db?: string) => string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `corpus_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({connectionString: serverUrl()})
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
    try {
      return await work(serverUrl(name))
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    }
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
  return withDatabase(serverUrl, async url => {
    const filled = await loadApp(url, app)
    const pool = new pg.Pool({connectionString: url, max: 4})
    // pool.end() resolves before its connections have closed; the DROP DATABASE that follows may cut them.
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
  })
}

/** Scores every application, a few at a time (each in its own database), in the corpus's order. */
export async function evaluateCorpus(serverUrl: (db?: string) => string, apps: CorpusApp[], options: {concurrency?: number; onDone?: (app: string, ms: number) => void} = {}): Promise<AppScore[]> {
  const scores: AppScore[] = new Array(apps.length)
  let next = 0
  const worker = async () => {
    while (next < apps.length) {
      const index = next++
      const started = Date.now()
      scores[index] = await evaluateApp(serverUrl, apps[index]!)
      options.onDone?.(apps[index]!.name, Date.now() - started)
    }
  }
  await Promise.all(Array.from({length: Math.max(1, options.concurrency ?? 2)}, worker))
  return scores
}

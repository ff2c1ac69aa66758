import {existsSync} from 'node:fs'

import type pg from 'pg'

import {buildDataMap} from '../datamap/build.js'
import {MapDrift, diffMapAgainstSchema, hasDrift} from '../datamap/diff.js'
import {MapProblem, loadDataMap, parseDataMap} from '../datamap/load.js'
import {mergeIntoDocument, newMapDocument, renderDocument, writeMapFile} from '../datamap/save.js'
import {CATEGORIES, Category, SubjectKind, subjectKinds} from '../datamap/schema.js'
import {checkMapAgainstSchema} from '../datamap/validate-live.js'
import {introspect} from '../db/introspect.js'
import type {ProgressSink} from '../progress.js'
import {ColumnFinding, classifyColumn} from './classify.js'
import {sampleTable} from './sample.js'
import {scanDatabase} from './scan.js'

export interface PersonalColumn {
  table: string
  column: string
  category: Category
  confidence: number
  evidence: string[]
}

/** What `privacy:scan --json` prints. */
export interface ScanReport {
  map: string
  mode: 'write' | 'check'
  written: boolean
  created: boolean
  /** The main kind of person the map names. */
  subject: SubjectKind | null
  tablesScanned: number
  personalColumns: Partial<Record<Category, number>>
  columns: PersonalColumn[]
  proposals: Array<{table: string; column: string; to: string; matched: number; sampled: number}>
  unreachable: string[]
  unreadable: string[]
  added: string[]
  removed: string[]
  drift: MapDrift | null
  /** Problems in the map that are not drift: wrong strategies, say. */
  problems: MapProblem[]
}

export interface RunScanInput {
  pool: pg.Pool
  file: string
  subjectTable?: string
  today: Date
  progress?: ProgressSink
}

function countByCategory(columns: PersonalColumn[]): Partial<Record<Category, number>> {
  const counts: Partial<Record<Category, number>> = {}
  for (const category of CATEGORIES) {
    const n = columns.filter(c => c.category === category).length
    if (n > 0) counts[category] = n
  }
  return counts
}

const personal = (table: string, findings: ColumnFinding[]): PersonalColumn[] =>
  findings.filter(f => f.category !== 'none').map(f => ({table, column: f.column, category: f.category, confidence: f.confidence, evidence: f.evidence}))

/** `privacy:scan`: writes or updates the data map from the live database, keeping people's edits. */
export async function writeMapFromScan(input: RunScanInput): Promise<ScanReport> {
  const scan = await scanDatabase(input.pool, {subjectTable: input.subjectTable, today: input.today, progress: input.progress})
  const built = buildDataMap(scan)
  const existing = existsSync(input.file) ? await loadDataMap(input.file, {deferRules: true}) : undefined
  const document = existing?.document ?? newMapDocument(built)
  const merged = existing ? mergeIntoDocument(existing, built, scan.schema) : {added: [], removed: []}
  input.progress?.({kind: 'step', message: `writing ${input.file}`})
  await writeMapFile(input.file, document)
  const written = parseDataMap(renderDocument(document), input.file, {deferRules: true})
  const columns = scan.tables.flatMap(t => personal(t.table.key, t.findings))
  return {
    map: input.file,
    mode: 'write',
    written: true,
    created: !existing,
    subject: subjectKinds(written.map)[0] ?? null,
    tablesScanned: scan.tables.length,
    personalColumns: countByCategory(columns),
    columns,
    proposals: scan.proposals.map(({table, column, to, matched, sampled}) => ({table, column, to, matched, sampled})),
    unreachable: scan.tables.filter(t => !t.reach && t.findings.some(f => f.category !== 'none')).map(t => t.table.key),
    unreadable: scan.unreadable,
    added: merged.added,
    removed: merged.removed,
    drift: null,
    problems: checkMapAgainstSchema(written, scan.schema),
  }
}

/**
 * `privacy:scan --check`: changes nothing; compares the committed map with the
 * live schema and classifies only the columns the map does not know yet, so
 * CI stays fast on large databases.
 */
export async function checkMapAgainstDatabase(input: RunScanInput): Promise<ScanReport> {
  const loaded = await loadDataMap(input.file, {deferRules: true})
  input.progress?.({kind: 'step', message: 'reading the schema'})
  const schema = await introspect(input.pool)
  const problems = checkMapAgainstSchema(loaded, schema)
  const drift = diffMapAgainstSchema(loaded.map, schema, problems)
  const columns: PersonalColumn[] = []
  const unclassifiedByTable = new Map<string, string[]>()
  for (const {table, column} of drift.columnsUnclassified) unclassifiedByTable.set(table, [...(unclassifiedByTable.get(table) ?? []), column])
  for (const key of drift.tablesAdded) unclassifiedByTable.set(key, schema.tables.get(key)!.columns.map(c => c.name))
  for (const [key, names] of unclassifiedByTable) {
    const table = schema.tables.get(key)!
    const targets = table.columns.filter(c => names.includes(c.name))
    const samples = table.isReadable ? await sampleTable(input.pool, table, targets, 200).catch(() => new Map<string, unknown[]>()) : new Map<string, unknown[]>()
    const keys = new Set([...table.primaryKey, ...table.foreignKeys.flatMap(fk => fk.columns)])
    columns.push(...personal(key, targets.map(c => classifyColumn(c, samples.get(c.name), {today: input.today, isKey: keys.has(c.name)}))))
  }
  return {
    map: input.file,
    mode: 'check',
    written: false,
    created: false,
    subject: subjectKinds(loaded.map)[0] ?? null,
    tablesScanned: unclassifiedByTable.size,
    personalColumns: countByCategory(columns),
    columns,
    proposals: [],
    unreachable: [],
    unreadable: [...schema.tables.values()].filter(t => !t.isReadable).map(t => t.key),
    added: [],
    removed: [],
    drift,
    problems: problems.filter(p => p.kind !== 'missing'),
  }
}

export {hasDrift}

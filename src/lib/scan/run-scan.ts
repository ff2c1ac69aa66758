import {existsSync} from 'node:fs'

import type pg from 'pg'

import {buildDataMap} from './build-map.js'
import {MapDrift, diffMapAgainstSchema, hasDrift} from '../datamap/diff.js'
import {MapProblem, formatProblems, loadDataMap, parseDataMap} from '../datamap/load.js'
import {mergeIntoDocument, newMapDocument, renderDocument, writeMapFile} from '../datamap/save.js'
import type {ReviewItem} from '../datamap/review.js'
import {CATEGORIES, Category, SubjectKind, subjectKinds} from '../datamap/schema.js'
import {checkMapAgainstSchema} from '../datamap/validate-live.js'
import {introspect} from '../db/introspect.js'
import {PrivacyError, violation} from '../errors.js'
import type {ProgressSink} from '../progress.js'
import {ColumnFinding, classifyColumn, keyColumnsOf} from './classify.js'
import {sampleTable} from './sample.js'
import {OtherKind, ScannedTable, scanDatabase} from './scan.js'
import {describeTables} from './table-context.js'
import {nameWords} from './tokens.js'

export interface PersonalColumn {
  table: string
  column: string
  category: Category
  confidence: number
  evidence: string[]
  /** Shapes of the sampled values (letters and digits masked), never the values. */
  shapes?: string[]
  /** Weak or conflicting evidence: a person should decide (`privacy:scan --review`). */
  uncertain?: boolean
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
  /** Columns left as holding nothing personal on weak evidence (a secret on a table tied to no one): worth a look. */
  doubtful: PersonalColumn[]
  proposals: Array<{table: string; column: string; to: string; matched: number; sampled: number; reason?: string}>
  unreachable: string[]
  unreadable: string[]
  /** Other tables with one row per person, not yet kinds of the map: name them under subjects: to answer their requests. */
  otherKinds: OtherKind[]
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

const asColumn = (table: string, f: ColumnFinding): PersonalColumn => ({
  table,
  column: f.column,
  category: f.category,
  confidence: f.confidence,
  evidence: f.evidence,
  ...(f.shapes ? {shapes: f.shapes} : {}),
  ...(f.uncertain ? {uncertain: true} : {}),
})
const personal = (table: string, findings: ColumnFinding[]): PersonalColumn[] => findings.filter(f => f.category !== 'none').map(f => asColumn(table, f))
const doubtful = (table: string, findings: ColumnFinding[]): PersonalColumn[] =>
  findings.filter(f => f.category === 'none' && f.uncertain && f.evidence.length > 0).map(f => asColumn(table, f))

/** Words of columns that hold whatever value a row was given: on a polymorphic table, a person's as often as a thing's. */
const FREE_VALUE_WORDS = new Set(['value', 'values', 'data', 'content', 'body', 'text', 'details', 'payload', 'note', 'notes', 'comment', 'description'])

/**
 * A table not reached whose rows point at rows of any table by a `<x>_type`/`<x>_id` pair and keep free values
 * (custom field values, notes, attachments): the scan cannot tell whose they are, a person must.
 */
function holdsValuesOfSomeone(table: ScannedTable): boolean {
  if (table.polymorphic.length === 0) return false
  return table.table.columns.some(c => ['text', 'varchar', 'json', 'jsonb'].includes(c.baseType) && nameWords(c.name).some(w => FREE_VALUE_WORDS.has(w)))
}

/** What a person should decide after a scan: uncertain findings and references proposed by value, one at a time. */
export function reviewItemsOf(report: ScanReport): ReviewItem[] {
  const columns = [...report.columns.filter(c => c.uncertain), ...report.doubtful].map((c): ReviewItem => ({
    kind: 'column',
    table: c.table,
    column: c.column,
    category: c.category,
    confidence: c.confidence,
    evidence: c.evidence,
    shapes: c.shapes ?? [],
  }))
  const references = report.proposals.map((p): ReviewItem => ({
    kind: 'reference',
    table: p.table,
    column: p.column,
    to: p.to,
    matched: p.matched,
    sampled: p.sampled,
    reason: p.reason ?? 'values match',
  }))
  return [...columns, ...references]
}

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
    doubtful: scan.tables.flatMap(t => doubtful(t.table.key, t.findings)),
    proposals: scan.proposals.map(({table, column, to, matched, sampled, reason}) => ({table, column, to, matched, sampled, reason})),
    unreachable: scan.tables.filter(t => !t.reach && (t.findings.some(f => f.category !== 'none') || holdsValuesOfSomeone(t))).map(t => t.table.key),
    unreadable: scan.unreadable,
    otherKinds: scan.otherKinds.filter(k => !subjectKinds(written.map).some(kind => kind.table === k.table)),
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
  for (const key of drift.tablesAdded)
    unclassifiedByTable.set(
      key,
      schema.tables.get(key)!.columns.map(c => c.name),
    )
  const contexts = describeTables(schema)
  for (const [key, names] of unclassifiedByTable) {
    const table = schema.tables.get(key)!
    const targets = table.columns.filter(c => names.includes(c.name))
    const samples = table.isReadable
      ? await sampleTable(input.pool, table, targets, 200).catch(() => new Map<string, unknown[]>())
      : new Map<string, unknown[]>()
    const keys = keyColumnsOf(table)
    columns.push(
      ...personal(
        key,
        targets.map(c => classifyColumn(c, samples.get(c.name), {today: input.today, isKey: keys.has(c.name), table: contexts.get(key)})),
      ),
    )
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
    doubtful: [],
    proposals: [],
    unreachable: [],
    unreadable: [...schema.tables.values()].filter(t => !t.isReadable).map(t => t.key),
    otherKinds: [],
    added: [],
    removed: [],
    drift,
    problems: problems.filter(p => p.kind !== 'missing'),
  }
}

export {hasDrift}

/** After a check: the map is out of date with the schema (exit 3), or has problems of its own. */
export function assertMapCurrent(report: ScanReport, file: string, database: string): void {
  if (report.drift && hasDrift(report.drift)) {
    throw violation('map_drift', `${file} is out of date with ${database}; run \`heroku privacy:scan\` to update it, review the change, and commit it.`, {
      details: report,
    })
  }
  if (report.problems.length > 0) {
    throw new PrivacyError(`${file} has problems: ${formatProblems(file, report.problems)}`, {code: 'invalid_map', details: report.problems})
  }
}

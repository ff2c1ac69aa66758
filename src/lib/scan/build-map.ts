import type {ColumnInfo, TableInfo} from '../db/introspect.js'
import type {ScanResult, ScannedTable} from './scan.js'
import {formatKeyName} from '../datamap/json-keys.js'
import {withProcessingPlaceholders} from '../datamap/placeholders.js'
import type {BuiltMap} from '../datamap/built-map.js'
import {Category, ColumnMap, DataMap, Edge, TableMap, edgeColumns, edgeTarget} from '../datamap/schema.js'
import {columnStrategyProblems, strategyProblem} from '../datamap/column-strategies.js'

const RECORD_KEEPING = /(order|invoice|payment|transaction|billing|receipt|ledger|refund|subscription|contract)/i

/** Hash keeps joins and duplicate checks working on email addresses; everything else is blanked. */
function defaultStrategy(category: Category, column: ColumnInfo, holdsEmails: boolean): ColumnMap['erase'] {
  if (category === 'none') return undefined
  const preferred: ColumnMap['erase'] =
    category === 'contact' && (holdsEmails || /mail/i.test(column.name)) ? 'hash' : category === 'identity' || category === 'free_text' ? 'redact' : 'null'
  const spec = {category, erase: preferred}
  return strategyProblem(spec, column) ? 'redact' : preferred
}

function tableStrategy(scanned: ScannedTable, rootTable: ScannedTable | undefined): TableMap['erase'] {
  if (scanned.table.key === rootTable?.table.key) return 'delete'
  if (scanned.isConnect || RECORD_KEEPING.test(scanned.table.name)) return 'anonymize'
  // The person's row points at it (their organisation, their team): other people share it.
  if (rootTable?.table.foreignKeys.some(fk => fk.references === scanned.table.key)) return 'anonymize'
  return 'delete'
}

/**
 * A kept (anonymised) row whose NOT NULL column points at a parent row needs
 * that parent to stay too: the parent is anonymised instead of deleted.
 */
function keepParentsOfKeptRows(map: DataMap, scan: ScanResult): void {
  for (let changed = true; changed;) {
    changed = false
    for (const [key, spec] of Object.entries(map.tables)) {
      if (spec.erase !== 'anonymize') continue
      const table = scan.schema.tables.get(key)
      for (const fk of table?.foreignKeys ?? []) {
        const parent = map.tables[fk.references]
        const notNull = fk.columns.every(c => !table!.columns.find(col => col.name === c)?.isNullable)
        if (parent?.erase === 'delete' && notNull) {
          parent.erase = 'anonymize'
          changed = true
        }
      }
    }
  }
}

const hasPersonalData = (scanned: ScannedTable) => scanned.findings.some(f => f.category !== 'none')

/**
 * Columns that tie rows to people — via edges, foreign keys, primary keys —
 * may only be cleared (null), never rewritten: a rewritten reference can
 * point the row at someone else.
 */
function referenceColumns(table: TableInfo, edges: Edge[]): Set<string> {
  return new Set<string>([...edges.flatMap(edgeColumns), ...table.primaryKey, ...table.foreignKeys.flatMap(fk => fk.columns)])
}

function columnsOf(scanned: ScannedTable, built: BuiltMap, rootKey: string, isShared: boolean, edges: Edge[]): Record<string, ColumnMap> {
  const references = referenceColumns(scanned.table, edges)
  const columns: Record<string, ColumnMap> = {}
  for (const column of scanned.table.columns) {
    const finding = scanned.findings.find(f => f.column === column.name)!
    const pointsAtPerson =
      scanned.table.key !== rootKey &&
      scanned.table.foreignKeys.some(fk => fk.references === rootKey && fk.columns.length === 1 && fk.columns[0] === column.name)
    if (isShared && pointsAtPerson && column.isNullable) {
      // A shared row (an organisation) keeps its own data; only its pointer to the person is cleared.
      columns[column.name] = {category: 'identity', erase: 'null'}
      continue
    }
    const preferred = isShared || column.generated ? undefined : defaultStrategy(finding.category, column, finding.holdsEmails === true)
    const erase = preferred && references.has(column.name) ? (column.isNullable ? 'null' : undefined) : preferred
    columns[column.name] = {
      category: finding.category,
      ...(erase ? {erase} : {}),
      ...(finding.jsonKeys ? {keys: finding.jsonKeys.map(key => formatKeyName(key))} : {}),
    }
    if (finding.category !== 'none' && finding.evidence.length > 0) {
      built.columnNotes.set(`${scanned.table.key}\t${column.name}`, `${finding.confidence}: ${finding.evidence.join('; ')}`)
    }
  }
  return columns
}

export function buildDataMap(scan: ScanResult): BuiltMap {
  const built: BuiltMap = {
    map: {version: 1, subject: scan.subject, tables: {}, exclude: []},
    tableNotes: new Map(),
    columnNotes: new Map(),
    edgeNotes: new Map(),
  }
  for (const proposal of scan.proposals) {
    built.edgeNotes.set(
      `${proposal.table}\t${proposal.column}`,
      `${proposal.matched} of ${proposal.sampled} sampled values match ${proposal.to}: confirm, then remove "proposed"`,
    )
  }
  const root = scan.tables.find(t => t.table.key === scan.subject.table)
  for (const scanned of [...scan.tables].sort((a, b) => a.table.key.localeCompare(b.table.key))) {
    const {table, reach} = scanned
    const isRoot = table.key === scan.subject.table
    if (!reach && !hasPersonalData(scanned)) {
      built.map.exclude!.push(table.key)
      continue
    }
    const spec: TableMap = {}
    const edges: Edge[] = reach?.edges ?? []
    if (edges.length > 0) spec.via = edges.length === 1 ? edges[0] : edges
    spec.erase = tableStrategy(scanned, root)
    if (scanned.isConnect) spec.connect = true
    const thirdParty = thirdPartyColumns(table, edges, scan.subject.table)
    if (thirdParty.length > 0) spec.third_party = thirdParty
    const isShared = root?.table.foreignKeys.some(fk => fk.references === table.key) === true && !isRoot
    spec.columns = columnsOf(scanned, built, scan.subject.table, isShared, edges)
    built.map.tables[table.key] = spec
    if (!reach) built.tableNotes.set(table.key, 'holds personal data but is not reachable from the subject: add a via edge, or move it to exclude')
    if (scan.unreadable.includes(table.key)) built.tableNotes.set(table.key, 'the scanning role may not read this table: classified by column names only')
  }
  keepParentsOfKeptRows(built.map, scan)
  leaveUnwritableColumns(built, scan)
  built.map = withProcessingPlaceholders(built.map)
  return built
}

/**
 * A strategy the map validator would refuse is never proposed: generated
 * columns are computed by Postgres, and keys, references and lookups must not
 * be given values that break them or name someone else.
 */
function leaveUnwritableColumns(built: BuiltMap, scan: ScanResult): void {
  for (const problem of columnStrategyProblems(built.map, scan.schema)) {
    const spec = built.map.tables[problem.table]!.columns![problem.column]!
    delete spec.erase
    delete spec.keys
    const note = `${problem.table}\t${problem.column}`
    built.columnNotes.set(note, [built.columnNotes.get(note), `no erase proposed, because ${problem.message}`].filter(Boolean).join('; '))
  }
}

/**
 * Columns naming another person: a row reached through several edges to the
 * root (sender and recipient), and the root's own references to other people
 * (referred_by_id).
 */
function thirdPartyColumns(table: TableInfo, edges: Edge[], rootKey: string): string[] {
  if (table.key === rootKey) {
    return table.foreignKeys.filter(fk => fk.references === rootKey && fk.columns.length === 1).map(fk => fk.columns[0]!)
  }
  const toRoot = edges.filter(e => edgeTarget(e).table === rootKey)
  return toRoot.length > 1 ? [...new Set(toRoot.flatMap(edgeColumns))] : []
}

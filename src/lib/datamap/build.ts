import type {ColumnInfo, TableInfo} from '../db/introspect.js'
import type {ScanResult, ScannedTable} from '../scan/scan.js'
import {Category, ColumnMap, DataMap, Edge, TableMap} from './schema.js'
import {strategyProblem} from './validate-live.js'

/** A map built from a scan, with the evidence a reviewer reads as comments. */
export interface BuiltMap {
  map: DataMap
  /** `table` → comment above the table. */
  tableNotes: Map<string, string>
  /** `table\tcolumn` → comment after the column. */
  columnNotes: Map<string, string>
  /** `table\tcolumn` → comment after a proposed edge. */
  edgeNotes: Map<string, string>
}

const RECORD_KEEPING = /(order|invoice|payment|transaction|billing|receipt|ledger|refund|subscription|contract)/i

/** Hash keeps joins and duplicate checks working on email addresses; everything else is blanked. */
function defaultStrategy(category: Category, column: ColumnInfo, holdsEmails: boolean): ColumnMap['erase'] {
  if (category === 'none') return undefined
  const preferred: ColumnMap['erase'] = category === 'contact' && (holdsEmails || /mail/i.test(column.name)) ? 'hash'
    : category === 'identity' || category === 'free_text' ? 'redact'
      : 'null'
  const spec = {category, erase: preferred}
  return strategyProblem(spec, column) ? 'redact' : preferred
}

function tableStrategy(scanned: ScannedTable, isRoot: boolean): TableMap['erase'] {
  if (isRoot) return 'delete'
  if (scanned.isConnect || RECORD_KEEPING.test(scanned.table.name)) return 'anonymize'
  return 'delete'
}

const hasPersonalData = (scanned: ScannedTable) => scanned.findings.some(f => f.category !== 'none')

function columnsOf(scanned: ScannedTable, built: BuiltMap): Record<string, ColumnMap> {
  const columns: Record<string, ColumnMap> = {}
  for (const column of scanned.table.columns) {
    const finding = scanned.findings.find(f => f.column === column.name)!
    const erase = defaultStrategy(finding.category, column, finding.holdsEmails === true)
    columns[column.name] = {
      category: finding.category,
      ...(erase ? {erase} : {}),
      ...(finding.jsonKeys ? {keys: finding.jsonKeys} : {}),
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
    built.edgeNotes.set(`${proposal.table}\t${proposal.column}`, `${proposal.matched} of ${proposal.sampled} sampled values match ${proposal.to}: confirm, then remove "proposed"`)
  }
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
    spec.erase = tableStrategy(scanned, isRoot)
    if (scanned.isConnect) spec.connect = true
    const thirdParty = thirdPartyColumns(table, edges, scan.subject.table)
    if (thirdParty.length > 0) spec.third_party = thirdParty
    spec.columns = columnsOf(scanned, built)
    built.map.tables[table.key] = spec
    if (!reach) built.tableNotes.set(table.key, 'holds personal data but is not reachable from the subject: add a via edge, or move it to exclude')
    if (scan.unreadable.includes(table.key)) built.tableNotes.set(table.key, 'the scanning role may not read this table: classified by column names only')
  }
  return built
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
  const toRoot = edges.filter(e => e.to.startsWith(`${rootKey}.`))
  return toRoot.length > 1 ? toRoot.map(e => e.column) : []
}

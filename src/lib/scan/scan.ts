import type pg from 'pg'

import {splitColumnRef} from '../datamap/schema.js'
import {didYouMean} from '../datamap/suggest.js'
import {SchemaInfo, TableInfo, introspect, isUniqueColumn} from '../db/introspect.js'
import {parseTableName, tableKey} from '../db/sql.js'
import {PrivacyError} from '../errors.js'
import type {ProgressSink} from '../progress.js'
import {ColumnFinding, classifyColumn, keyColumnsOf} from './classify.js'
import {Proposal, proposeImplicitReferences} from './implicit-refs.js'
import {sampleTable, sampledColumns} from './sample.js'
import {TableContext, describeTables} from './table-context.js'
import {nameConcepts, nameWords} from './tokens.js'
import {Reach, guessSubjectTable, rankSubjectTables, reachByForeignKeys, satellitesOf} from './subject-graph.js'

export interface ScannedTable {
  table: TableInfo
  findings: ColumnFinding[]
  reach: Reach | undefined
  /** Heroku Connect writes this table from Salesforce. */
  isConnect: boolean
  /** `<x>_type`/`<x>_id` pairs: references to rows of several tables (a person's among them, perhaps) that no key can follow. */
  polymorphic: string[]
}

export interface ScanResult {
  schema: SchemaInfo
  subject: {table: string; key: string; lookup: string[]}
  tables: ScannedTable[]
  proposals: Proposal[]
  /** Tables the role may not read: classified by name only. */
  unreadable: string[]
  /** Other tables that hold one row per person (customers, contacts): each may be a kind of person of its own. */
  otherKinds: OtherKind[]
}

/** A table that looks like a second population of people, proposed for the reviewer to name under `subjects:`. */
export interface OtherKind {
  table: string
  key: string
  lookup: string[]
  reasons: string[]
}

export interface ScanOptions {
  subjectTable?: string
  sampleRows?: number
  today: Date
  progress?: ProgressSink
}

const isData = (t: TableInfo) => t.kind === 'table' || t.kind === 'partitioned'

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext'])

/** `customized_type` beside `customized_id` (`targetType`/`targetId`): one reference that names the table it points at in its rows. */
export function polymorphicPairs(table: TableInfo): string[] {
  const byWords = new Map(table.columns.map(c => [nameWords(c.name).join('_'), c.name]))
  const pairs: string[] = []
  for (const column of table.columns) {
    const words = nameWords(column.name)
    if (words.length < 2 || words.at(-1) !== 'type' || !TEXT_TYPES.has(column.baseType)) continue
    const id = byWords.get([...words.slice(0, -1), 'id'].join('_'))
    if (id) pairs.push(`${column.name}+${id}`)
  }
  return pairs
}

function isConnectTable(table: TableInfo): boolean {
  const names = new Set(table.columns.map(c => c.name))
  return table.schema === 'salesforce' || (names.has('sfid') && names.has('_hc_lastop'))
}

function pickRoot(
  schema: SchemaInfo,
  findings: Map<string, ColumnFinding[]>,
  contexts: Map<string, TableContext>,
  subjectTable: string | undefined,
): TableInfo {
  if (!subjectTable) return guessSubjectTable(schema, findings, contexts)
  const key = tableKey(parseTableName(subjectTable))
  const table = schema.tables.get(key)
  if (!table) throw new PrivacyError(`--subject-table ${key} does not exist${didYouMean(key, schema.tables.keys())}.`, {code: 'subject_unknown', exitCode: 2})
  if (table.primaryKey.length !== 1) {
    throw new PrivacyError(
      `${key} has ${table.primaryKey.length === 0 ? 'no primary key' : 'a composite primary key'}; the subject table needs a single-column primary key to tell people apart.`,
      {code: 'subject_without_key'},
    )
  }
  return table
}

/**
 * Adds the proposed references whose target is reached, table by table as
 * reach grows; for a table already reached the reference is reported as another role, not written.
 * Proposals that never connect to the person are dropped.
 */
function linkProposals(schema: SchemaInfo, reached: Map<string, Reach>, candidates: Proposal[]): Proposal[] {
  const accepted: Proposal[] = []
  // A key names the owner of a row; e-mail addresses (a list of people to notify, a cc) may name others: keys first.
  const pending = [...candidates].sort((a, b) => Number(a.reason.startsWith('e-mail')) - Number(b.reason.startsWith('e-mail')))
  for (let changed = true; changed;) {
    changed = false
    for (const proposal of [...pending]) {
      const target = splitColumnRef(proposal.to).table
      const parent = reached.get(target)
      if (!parent) continue
      pending.splice(pending.indexOf(proposal), 1)
      const edge = {column: proposal.column, to: proposal.to, proposed: true as const}
      const reach = reached.get(proposal.table)
      if (reach) {
        // Another role on a table already reached is not written as an edge: confirmed blindly, it would make the
        // erasure of this person take rows that belong to someone else. A person adds it (privacy:scan --review).
        accepted.push({...proposal, reason: `${proposal.reason}; another role of a table already reached, not written to the map`})
      } else {
        accepted.push(proposal)
        reached.set(proposal.table, {depth: parent.depth + 1, edges: [edge]})
      }
      changed = true
    }
    if (changed) reachByForeignKeys(schema, reached)
  }
  return accepted
}

/**
 * Columns a request may name the person by: unique (by constraint, unique
 * index, or unique index on `lower(email)`) and personal — e-mail addresses
 * first, then user names and other identifiers — and the key.
 */
function lookupColumns(root: TableInfo, rootFindings: ColumnFinding[]): string[] {
  const unique = rootFindings.filter(f => f.category !== 'none' && isUniqueColumn(root, f.column))
  const rank = (f: ColumnFinding) =>
    f.holdsEmails || (f.category === 'contact' && nameConcepts(f.column).includes('email')) ? 0 : f.category === 'identity' ? 1 : 2
  const personal = unique
    .filter(f => rank(f) < 2 || f.category === 'online_id')
    .sort((a, b) => rank(a) - rank(b))
    .map(f => f.column)
  return [...new Set([...personal, root.primaryKey[0]!])]
}

/**
 * Finds the personal data in a database: classifies every column from its
 * name, type and a bounded sample of values, picks the subject table, and
 * works out which tables reach a person through foreign keys or by value.
 */
export async function scanDatabase(pool: pg.Pool, options: ScanOptions): Promise<ScanResult> {
  const {progress} = options
  progress?.({kind: 'step', message: 'reading the schema'})
  const schema = await introspect(pool)
  const dataTables = [...schema.tables.values()].filter(t => isData(t))
  const contexts = describeTables(schema)
  const tableNames = new Set([...schema.tables.values()].map(t => nameWords(t.name).join('_')))
  const isTableName = (name: string) => tableNames.has(name)
  const findings = new Map<string, ColumnFinding[]>()
  const samples = new Map<string, Map<string, unknown[]>>()
  const unreadable: string[] = []
  progress?.({kind: 'step', message: `sampling ${dataTables.length} tables`})
  for (const [index, table] of dataTables.entries()) {
    let tableSamples = new Map<string, unknown[]>()
    if (table.isReadable) {
      try {
        tableSamples = await sampleTable(pool, table, sampledColumns(table), options.sampleRows ?? 500)
      } catch (error) {
        if ((error as {code?: string}).code !== '42501') throw error
        table.isReadable = false
      }
    }
    if (!table.isReadable) unreadable.push(table.key)
    const keys = keyColumnsOf(table)
    const context = contexts.get(table.key)
    findings.set(
      table.key,
      table.columns.map(c => classifyColumn(c, tableSamples.get(c.name), {today: options.today, isKey: keys.has(c.name), table: context, isTableName})),
    )
    samples.set(table.key, tableSamples)
    progress?.({kind: 'count', label: 'tables sampled', done: index + 1, total: dataTables.length})
  }

  const root = pickRoot(schema, findings, contexts, options.subjectTable)
  progress?.({kind: 'step', message: `following references to ${root.key}`})
  const reached = reachByForeignKeys(schema, new Map<string, Reach>([[root.key, {depth: 0, edges: []}], ...satellitesOf(root, contexts)]))
  const candidates = await proposeImplicitReferences({pool, schema, root, contexts, findings, samples, reached: new Set(reached.keys())})
  const proposals = linkProposals(schema, reached, candidates)
  // Rows of reached tables belong to a person: what their columns mean is read again in that light.
  for (const key of reached.keys()) {
    const context = contexts.get(key)
    const table = schema.tables.get(key)
    if (!context || !table || context.isPersonLinked || context.isReached) continue
    context.isReached = true
    const keys = keyColumnsOf(table)
    findings.set(
      key,
      table.columns.map(c => classifyColumn(c, samples.get(key)?.get(c.name), {today: options.today, isKey: keys.has(c.name), table: context, isTableName})),
    )
  }

  const lookup = lookupColumns(root, findings.get(root.key) ?? [])
  const otherKinds = rankSubjectTables(schema, findings, contexts)
    .filter(c => c.table.key !== root.key && c.score >= 4 && !c.reasons.some(r => r.startsWith('its key is a ')))
    .map(c => ({table: c.table.key, key: c.table.primaryKey[0]!, lookup: lookupColumns(c.table, findings.get(c.table.key) ?? []), reasons: c.reasons}))
  return {
    schema,
    subject: {table: root.key, key: root.primaryKey[0]!, lookup},
    tables: dataTables.map(table => ({
      table,
      findings: findings.get(table.key)!,
      reach: reached.get(table.key),
      isConnect: isConnectTable(table),
      polymorphic: polymorphicPairs(table),
    })),
    proposals,
    unreadable,
    otherKinds,
  }
}

import {randomBytes} from 'node:crypto'
import {rename, writeFile} from 'node:fs/promises'

import {Document, Pair, Scalar, YAMLMap, YAMLSeq, isMap, isScalar, isSeq} from 'yaml'

import type {SchemaInfo} from '../db/introspect.js'
import type {BuiltMap} from './built-map.js'
import type {LoadedDataMap} from './load.js'
import {migrateSubjectToSubjects} from './migrate-subject.js'
import {addProcessingPlaceholdersToDocument, styleProcessing} from './placeholders.js'
import type {DataMap} from './schema.js'

const HEADER = ` privacy.yml: where this app keeps personal data and what to do with it.
 Written by \`heroku privacy:scan\`; review it, correct it, and commit it. Reference: see the README.`

export interface MergeReport {
  /** `schema.table` or `schema.table.column` entries the scan added. */
  added: string[]
  /** Entries for tables or columns that no longer exist, removed. */
  removed: string[]
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
}

function sortMap(node: YAMLMap): void {
  node.items.sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
}

/** Column specs and edges print as one-line flow maps, with the scan's evidence as a trailing comment. */
function decorate(document: Document, built: BuiltMap, tables: Iterable<string>): void {
  for (const table of tables) {
    const columns = document.getIn(['tables', table, 'columns'], true)
    if (isMap(columns)) {
      for (const pair of columns.items) {
        if (!isMap(pair.value)) continue
        pair.value.flow = true
        const note = built.columnNotes.get(`${table}\t${keyOf(pair)}`)
        if (note && !pair.value.comment) pair.value.comment = ` ${note}`
      }
    }
    const via = document.getIn(['tables', table, 'via'], true)
    for (const edge of isSeq(via) ? via.items : [via]) {
      if (!isMap(edge)) continue
      edge.flow = true
      const column = edge.get('column')
      const note = typeof column === 'string' ? built.edgeNotes.get(`${table}\t${column}`) : undefined
      if (note && !edge.comment) edge.comment = ` ${note}`
    }
    const tablesNode = document.getIn(['tables'], true)
    const pair = isMap(tablesNode) ? tablesNode.items.find(p => keyOf(p) === table) : undefined
    const note = built.tableNotes.get(table)
    if (pair && note && isScalar(pair.key) && !pair.key.commentBefore) pair.key.commentBefore = ` ${note}`
  }
  styleProcessing(document, tables)
}

export function newMapDocument(built: BuiltMap): Document {
  const document = new Document(built.map)
  document.commentBefore = HEADER
  decorate(document, built, Object.keys(built.map.tables))
  const exclude = document.getIn(['exclude'], true)
  // An empty list prints as `[]` on one line, as the map reads back after a merge.
  if (isSeq(exclude)) exclude.flow = exclude.items.length === 0
  return document
}

/**
 * Brings a reviewed map up to date with a new scan without losing what people
 * wrote: existing tables and columns keep their entries and comments; new
 * ones are added with the scan's evidence; entries for things that no longer
 * exist are removed and reported.
 */
export function mergeIntoDocument(existing: LoadedDataMap, built: BuiltMap, schema: SchemaInfo): MergeReport {
  const {document} = existing
  const report: MergeReport = {added: [], removed: []}
  const migrated = migrateSubjectToSubjects(document)
  if (migrated) report.added.push(`subjects.${migrated} (the map's single subject:, now a named kind)`)
  let tablesNode = document.getIn(['tables'], true)
  if (!isMap(tablesNode)) {
    document.setIn(['tables'], document.createNode({}))
    tablesNode = document.getIn(['tables'], true)
  }
  const tables = tablesNode as YAMLMap
  const excludeNode = document.getIn(['exclude'], true)
  const excluded = new Set(isSeq(excludeNode) ? excludeNode.items.map(item => String(isScalar(item) ? item.value : item)) : [])
  const touched: string[] = []

  for (const pair of [...tables.items]) {
    const key = keyOf(pair)
    const live = schema.tables.get(key)
    if (!live) {
      tables.delete(key)
      report.removed.push(key)
      continue
    }
    const columns = isMap(pair.value) ? pair.value.get('columns', true) : undefined
    const builtColumns = built.map.tables[key]?.columns
    if (!isMap(pair.value)) continue
    if (!isMap(columns)) {
      if (builtColumns) {
        pair.value.set('columns', document.createNode(builtColumns))
        report.added.push(...Object.keys(builtColumns).map(c => `${key}.${c}`))
        touched.push(key)
      }
      continue
    }
    for (const columnPair of [...columns.items]) {
      const name = keyOf(columnPair)
      if (!live.columns.some(c => c.name === name)) {
        columns.delete(name)
        report.removed.push(`${key}.${name}`)
      }
    }
    for (const [name, spec] of Object.entries(builtColumns ?? {})) {
      if (columns.has(name)) continue
      columns.add(document.createPair(name, spec))
      report.added.push(`${key}.${name}`)
      touched.push(key)
    }
  }
  for (const [key, spec] of Object.entries(built.map.tables)) {
    if (tables.has(key) || excluded.has(key)) continue
    tables.add(document.createPair(key, spec))
    report.added.push(key)
    touched.push(key)
  }
  sortMap(tables)

  const newExcludes = (built.map.exclude ?? []).filter(key => !tables.has(key) && !excluded.has(key))
  const keptExcludes = [...excluded].filter(key => {
    if (schema.tables.has(key)) return true
    report.removed.push(key)
    return false
  })
  if (newExcludes.length > 0 || keptExcludes.length !== excluded.size) {
    const seq = isSeq(excludeNode) ? excludeNode : new YAMLSeq()
    seq.items = seq.items.filter(item => keptExcludes.includes(String(isScalar(item) ? item.value : item)))
    for (const key of newExcludes) {
      seq.items.push(new Scalar(key))
      report.added.push(key)
    }
    seq.items.sort((a, b) => String(isScalar(a) ? a.value : a).localeCompare(String(isScalar(b) ? b.value : b)))
    document.setIn(['exclude'], seq)
  }
  const placeholders = addProcessingPlaceholdersToDocument(document, document.toJS() as DataMap)
  report.added.push(...placeholders)
  decorate(document, built, [...touched, ...placeholders.filter(p => p.endsWith(' processing')).map(p => p.slice(0, -' processing'.length))])
  return report
}

export function renderDocument(document: Document): string {
  return document.toString({lineWidth: 0})
}

/** Written beside the target and renamed into place, so a crash never leaves half a map. */
export async function writeMapFile(file: string, document: Document): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(temporary, renderDocument(document), 'utf8')
  await rename(temporary, file)
}

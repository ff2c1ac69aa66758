/**
 * Fills a built corpus schema with synthetic rows whose values fit each
 * column's meaning: personal columns from their label (a person per row, so
 * a row's name, e-mail and address belong together), other text from its
 * value kind, anything else from its type. References follow foreign keys
 * and the labelled references without one; unique indexes, NOT NULL and
 * enum types hold; the same seed gives the same rows.
 */
import type pg from 'pg'

import {quoteIdent, quoteTable} from '../../../src/lib/db/sql.js'
import {tableKeyOf} from './build.js'
import {LiveType, fitsType, readLiveTypes, toSqlText} from './column-types.js'
import {localeFor} from './locales.js'
import {makePerson} from './person.js'
import type {Value} from './personal-values.js'
import {Random, chance, randomFrom} from './random.js'
import {Reference, planReferences} from './references.js'
import {columnValue, nullRate} from './column-values.js'
import type {CorpusLabels, CorpusSchema, CorpusTable} from './types.js'
import {UniqueKeys} from './unique-keys.js'

export interface GenerateOptions {
  seed: string | number
  today: Date
  /** Rows of every table that is not a subject table. */
  rowsPerTable?: number
  /** Rows of each subject table (people). */
  subjectRows?: number
}

export interface GenerateResult {
  rows: Map<string, number>
  /** `schema.table.column` of every column holding at least one non-NULL value. */
  filled: Set<string>
}

type Row = Record<string, Value | undefined>

interface Context {
  corpus: CorpusSchema
  labels: CorpusLabels | undefined
  options: GenerateOptions
  live: Map<string, Map<string, LiveType>>
  rows: Map<string, Row[]>
}

export async function generateRows(client: pg.ClientBase, corpus: CorpusSchema, labels: CorpusLabels | undefined, options: GenerateOptions): Promise<GenerateResult> {
  const context: Context = {corpus, labels, options, live: await readLiveTypes(client), rows: new Map()}
  const plan = planReferences(corpus, labels)
  const subjects = new Set(labels?.subjects.map(s => s.table) ?? [])
  for (const table of plan.order) {
    const count = subjects.has(tableKeyOf(table)) ? options.subjectRows ?? 60 : options.rowsPerTable ?? 24
    context.rows.set(tableKeyOf(table), generateTable(context, table, count, plan.references.get(tableKeyOf(table)) ?? []))
  }
  for (const table of plan.order) fillDeferred(context, table, plan.references.get(tableKeyOf(table)) ?? [])
  for (const table of corpus.tables) await insertRows(client, table, context.rows.get(tableKeyOf(table)) ?? [], context.live.get(tableKeyOf(table))!)
  return {rows: new Map([...context.rows].map(([key, rows]) => [key, rows.length])), filled: await filledColumns(client, corpus)}
}

function generateTable(context: Context, table: CorpusTable, count: number, references: Reference[]): Row[] {
  const unique = new UniqueKeys(table)
  const deferred = new Set(references.filter(r => r.deferred).flatMap(r => r.columns))
  const rows: Row[] = []
  for (let index = 0; index < count; index++) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const row = buildRow(context, table, references, index, attempt, deferred)
      if (row && !unique.clashes(row)) {
        unique.accept(row)
        rows.push(row)
        break
      }
    }
  }
  return rows
}

function buildRow(context: Context, table: CorpusTable, references: Reference[], index: number, attempt: number, deferred: Set<string>): Row | undefined {
  const key = tableKeyOf(table)
  const {seed, today} = context.options
  const locale = localeFor(context.corpus.language)
  const person = makePerson(randomFrom(seed, key, index, attempt, 'person'), locale, today)
  const row: Row = {}
  for (const reference of references) {
    if (reference.deferred) {
      for (const column of reference.columns) if (!(column in row)) row[column] = undefined
      continue
    }
    const picked = pickReference(context, table, reference, randomFrom(seed, key, index, attempt, reference.columns.join(',')), row)
    if (picked === undefined) return undefined
    Object.assign(row, picked)
  }
  const live = context.live.get(key)!
  for (const column of table.columns) {
    if (column.generated || column.name in row || deferred.has(column.name)) continue
    const random = randomFrom(seed, key, index, attempt, column.name)
    const rate = nullRate(context, table, column, false)
    row[column.name] = chance(random, rate) ? null : columnValue({corpus: context.corpus, labels: context.labels, table, column: column.name, type: live.get(column.name)!, ctx: {random, person, today, row: index}})
  }
  return row
}

/**
 * Values for a reference's columns, taken from a row of the table it points at that agrees with the columns
 * the row already has; undefined when a required one cannot be had.
 */
function pickReference(context: Context, table: CorpusTable, reference: Reference, random: Random, row: Row): Row | undefined {
  const live = context.live.get(tableKeyOf(table))!
  // A reference may be narrower than what it points at (a smallint referencing an integer): only rows that fit.
  const fits = (row: Row) => reference.columns.every((c, i) => {
    if (c === reference.typeColumn) return true
    const value = row[reference.targetColumns[Math.min(i, reference.targetColumns.length - 1)]!]
    return value !== null && value !== undefined && (live.get(c)!.isArray || fitsType(value, live.get(c)!))
  })
  const targetColumnOf = (i: number) => reference.targetColumns[Math.min(i, reference.targetColumns.length - 1)]!
  const agrees = (target: Row) => reference.columns.every((c, i) => row[c] === undefined || row[c] === null || c === reference.typeColumn || target[targetColumnOf(i)] === row[c])
  const targets = (context.rows.get(reference.target) ?? []).filter(t => fits(t) && agrees(t))
  const required = reference.columns.some(c => !table.columns.find(col => col.name === c)!.nullable)
  if (targets.length === 0 || (!required && chance(random, nullRate(context, table, table.columns.find(c => c.name === reference.columns[0])!, true)))) {
    // A NULL in any column satisfies a foreign key: the columns other references already set keep their values.
    const free = reference.columns.filter(c => row[c] === undefined || row[c] === null)
    if (free.some(c => !table.columns.find(col => col.name === c)!.nullable)) return undefined
    return Object.fromEntries(free.map(c => [c, null]))
  }
  const target = targets[Math.floor(random() * targets.length)]!
  const picked: Row = {}
  reference.columns.forEach((column, i) => {
    if (reference.typeColumn === column) picked[column] = reference.typeValue!
    else {
      const value = target[targetColumnOf(i)]!
      picked[column] = live.get(column)?.isArray && !Array.isArray(value) ? [value, targets[Math.floor(random() * targets.length)]![reference.targetColumns[0]!]!] : value
    }
  })
  return picked
}

/** References that had to wait for their target (cycles, self-references) are filled once every table has its rows. */
function fillDeferred(context: Context, table: CorpusTable, references: Reference[]): void {
  const later = references.filter(r => r.deferred)
  if (later.length === 0) return
  const key = tableKeyOf(table)
  const unique = new UniqueKeys(table)
  const rows = context.rows.get(key)!
  // Columns a reference that was filled with the row shares keep their value; only the deferred ones are redrawn.
  const settled = new Set(references.filter(r => !r.deferred).flatMap(r => r.columns))
  for (const [index, row] of rows.entries()) {
    const attempts = 40
    for (let attempt = 0; attempt < attempts; attempt++) {
      for (const reference of later) {
        for (const c of reference.columns) if (!settled.has(c)) row[c] = undefined
        const picked = pickReference(context, table, reference, randomFrom(context.options.seed, key, index, attempt, 'later', reference.columns.join(',')), row)
        Object.assign(row, picked ?? Object.fromEntries(reference.columns.map(c => [c, null])))
      }
      if (!unique.clashes(row)) break
      if (attempt === attempts - 1) for (const reference of later) for (const c of reference.columns) if (table.columns.find(col => col.name === c)!.nullable) row[c] = null
    }
    unique.accept(row)
  }
}

async function insertRows(client: pg.ClientBase, table: CorpusTable, rows: Row[], live: Map<string, LiveType>): Promise<void> {
  const columns = table.columns.filter(c => !c.generated).map(c => c.name)
  if (rows.length === 0 || columns.length === 0) return
  const batch = Math.max(1, Math.floor(20000 / columns.length))
  for (let start = 0; start < rows.length; start += batch) {
    const slice = rows.slice(start, start + batch)
    const params: Array<string | null> = []
    const tuples = slice.map(row => `(${columns.map(column => {
      const type = live.get(column)!
      params.push(toSqlText(row[column] ?? null, type))
      return `$${params.length}::${type.sql}`
    }).join(', ')})`)
    try {
      await client.query(`INSERT INTO ${quoteTable(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}`, params)
    } catch (error) {
      throw new Error(`inserting into ${tableKeyOf(table)}: ${(error as Error).message}`)
    }
  }
}

async function filledColumns(client: pg.ClientBase, corpus: CorpusSchema): Promise<Set<string>> {
  const filled = new Set<string>()
  for (const table of corpus.tables) {
    if (table.columns.length === 0) continue
    const {rows} = await client.query<Record<string, string>>(`SELECT ${table.columns.map((c, i) => `count(${quoteIdent(c.name)}) AS c${i}`).join(', ')} FROM ${quoteTable(table)}`)
    table.columns.forEach((c, i) => {
      if (Number(rows[0]![`c${i}`]) > 0) filled.add(`${tableKeyOf(table)}.${c.name}`)
    })
  }
  return filled
}

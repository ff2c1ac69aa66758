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
import {plainWord} from './plain-values.js'
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
  /** Rows given up after their table was generated (a required reference found no target); left out of the insert. */
  dropped: Set<Row>
  /** For each table, the tables and references that point at it. */
  referencedBy: Map<string, Array<{table: CorpusTable; reference: Reference}>>
}

export async function generateRows(
  client: pg.ClientBase,
  corpus: CorpusSchema,
  labels: CorpusLabels | undefined,
  options: GenerateOptions,
): Promise<GenerateResult> {
  const plan = planReferences(corpus, labels)
  const referencedBy = new Map<string, Array<{table: CorpusTable; reference: Reference}>>()
  for (const table of corpus.tables) {
    for (const reference of plan.references.get(tableKeyOf(table)) ?? [])
      referencedBy.set(reference.target, [...(referencedBy.get(reference.target) ?? []), {table, reference}])
  }
  const context: Context = {corpus, labels, options, live: await readLiveTypes(client), rows: new Map(), dropped: new Set(), referencedBy}
  const subjects = new Set(labels?.subjects.map(s => s.table) ?? [])
  for (const table of plan.order) {
    const count = subjects.has(tableKeyOf(table)) ? (options.subjectRows ?? 60) : (options.rowsPerTable ?? 24)
    context.rows.set(tableKeyOf(table), generateTable(context, table, count, plan.references.get(tableKeyOf(table)) ?? []))
  }
  for (const table of plan.order) fillDeferred(context, table, plan.references.get(tableKeyOf(table)) ?? [])
  for (const [key, rows] of context.rows)
    context.rows.set(
      key,
      rows.filter(r => !context.dropped.has(r)),
    )
  for (const table of corpus.tables) await insertRows(client, table, context.rows.get(tableKeyOf(table)) ?? [], context.live.get(tableKeyOf(table))!)
  return {rows: new Map([...context.rows].map(([key, rows]) => [key, rows.length])), filled: await filledColumns(client, corpus)}
}

function generateTable(context: Context, table: CorpusTable, count: number, references: Reference[]): Row[] {
  const unique = new UniqueKeys(table)
  const deferred = new Set(references.filter(r => r.deferred).flatMap(r => r.columns))
  const rows: Row[] = []
  for (let index = 0; index < count; index++) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const row = buildRow(context, table, references, index, attempt, deferred, unique)
      if (row && !unique.clashes(row)) {
        unique.accept(row)
        rows.push(row)
        break
      }
    }
  }
  return rows
}

function buildRow(
  context: Context,
  table: CorpusTable,
  references: Reference[],
  index: number,
  attempt: number,
  deferred: Set<string>,
  unique: UniqueKeys,
): Row | undefined {
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
    const picked = pickReference(context, table, reference, randomFrom(seed, key, index, attempt, reference.columns.join(',')), row, unique)
    if (picked === undefined) return undefined
    Object.assign(row, picked)
  }
  const live = context.live.get(key)!
  for (const column of table.columns) {
    if (column.generated || column.name in row || deferred.has(column.name)) continue
    const random = randomFrom(seed, key, index, attempt, column.name)
    const rate = nullRate(context, table, column, false)
    const value = chance(random, rate)
      ? null
      : columnValue({
          corpus: context.corpus,
          labels: context.labels,
          table,
          column: column.name,
          type: live.get(column.name)!,
          ctx: {random, person, today, row: index},
        })
    // A type nothing here knows gets NULL, its default (see insertRows) or, as a last resort, a word.
    row[column.name] = value === null && !column.nullable && column.default === undefined ? plainWord(random) : value
  }
  return row
}

/**
 * Values for a reference's columns, taken from a row of the table it points at that agrees with the columns
 * the row already has and that no other row took where the columns are unique (a one-to-one key); undefined
 * when a required one cannot be had.
 */
function pickReference(context: Context, table: CorpusTable, reference: Reference, random: Random, row: Row, unique: UniqueKeys): Row | undefined {
  const live = context.live.get(tableKeyOf(table))!
  // A reference may be narrower than what it points at (a smallint referencing an integer): only rows that fit.
  const fits = (row: Row) =>
    reference.columns.every((c, i) => {
      if (c === reference.typeColumn) return true
      const value = row[reference.targetColumns[Math.min(i, reference.targetColumns.length - 1)]!]
      return value !== null && value !== undefined && (live.get(c)!.isArray || fitsType(value, live.get(c)!))
    })
  const targetColumnOf = (i: number) => reference.targetColumns[Math.min(i, reference.targetColumns.length - 1)]!
  const agrees = (target: Row) =>
    reference.columns.every((c, i) => row[c] === undefined || row[c] === null || c === reference.typeColumn || target[targetColumnOf(i)] === row[c])
  const valuesOf = (target: Row) =>
    Object.fromEntries(reference.columns.map((c, i) => [c, c === reference.typeColumn ? reference.typeValue! : target[targetColumnOf(i)]!]))
  const targets = (context.rows.get(reference.target) ?? []).filter(
    t => !context.dropped.has(t) && fits(t) && agrees(t) && !unique.clashes({...row, ...valuesOf(t)}),
  )
  const required = reference.columns.some(c => !table.columns.find(col => col.name === c)!.nullable)
  if (
    targets.length === 0 ||
    (!required &&
      chance(
        random,
        nullRate(
          context,
          table,
          table.columns.find(c => c.name === reference.columns[0])!,
          true,
        ),
      ))
  ) {
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
      picked[column] =
        live.get(column)?.isArray && !Array.isArray(value) ? [value, targets[Math.floor(random() * targets.length)]![reference.targetColumns[0]!]!] : value
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
  const required = (c: string) => !table.columns.find(col => col.name === c)!.nullable
  // Rows that others point at choose first: when targets run short (a one-to-one key into a smaller table), the rows
  // that go are those nothing needs.
  const needed = new Set(rows.filter(row => isReferenced(context, table, row)))
  const order = [...rows.entries()].sort(([a, x], [b, y]) => Number(needed.has(y)) - Number(needed.has(x)) || a - b)
  for (const [index, row] of order) {
    if (context.dropped.has(row)) continue
    const attempts = 40
    let missing = false
    for (let attempt = 0; attempt < attempts; attempt++) {
      missing = false
      for (const reference of later) {
        for (const c of reference.columns) if (!settled.has(c)) row[c] = undefined
        const picked = pickReference(
          context,
          table,
          reference,
          randomFrom(context.options.seed, key, index, attempt, 'later', reference.columns.join(',')),
          row,
          unique,
        )
        missing ||= picked === undefined
        Object.assign(row, picked ?? Object.fromEntries(reference.columns.map(c => [c, null])))
      }
      if (!missing && !unique.clashes(row)) break
      if (attempt === attempts - 1) for (const reference of later) for (const c of reference.columns) if (!required(c)) row[c] = null
    }
    // A required reference without a target left (a one-to-one key into a smaller table): the row goes, and what needs it.
    if (missing || unique.clashes(row)) dropRow(context, table, row)
    else unique.accept(row)
  }
}

/** The rows that point at a row, by each reference into its table (only where no other row has the same values). */
function pointingAt(context: Context, table: CorpusTable, row: Row): Array<{source: CorpusTable; reference: Reference; rows: Row[]}> {
  const key = tableKeyOf(table)
  const found: Array<{source: CorpusTable; reference: Reference; rows: Row[]}> = []
  for (const {table: source, reference} of context.referencedBy.get(key) ?? []) {
    const pointed = (r: Row, i: number) => r[reference.targetColumns[Math.min(i, reference.targetColumns.length - 1)]!]
    const values = reference.columns.map((_, i) => pointed(row, i))
    if (values.some(v => v === null || v === undefined)) continue
    // Another row with the same values (a reference without a foreign key to a column that is not unique) still serves.
    const same = (r: Row) =>
      r !== row && !context.dropped.has(r) && reference.columns.every((c, i) => c === reference.typeColumn || pointed(r, i) === values[i])
    if ((context.rows.get(key) ?? []).some(same)) continue
    const rows = (context.rows.get(tableKeyOf(source)) ?? []).filter(
      other =>
        !context.dropped.has(other) &&
        reference.columns.every((c, i) => (c === reference.typeColumn ? other[c] === reference.typeValue : other[c] === values[i])),
    )
    if (rows.length > 0) found.push({source, reference, rows})
  }
  return found
}

const isReferenced = (context: Context, table: CorpusTable, row: Row) => pointingAt(context, table, row).length > 0

/** Gives up a row: rows that point at it lose that reference where they may, and are given up where they may not. */
function dropRow(context: Context, table: CorpusTable, row: Row): void {
  if (context.dropped.has(row)) return
  const pointing = pointingAt(context, table, row)
  context.dropped.add(row)
  for (const {source, reference, rows} of pointing) {
    const nullable = reference.columns.every(c => source.columns.find(col => col.name === c)!.nullable)
    for (const other of rows) {
      if (nullable) for (const c of reference.columns) other[c] = null
      else dropRow(context, source, other)
    }
  }
}

async function insertRows(client: pg.ClientBase, table: CorpusTable, rows: Row[], live: Map<string, LiveType>): Promise<void> {
  // A required column that got no value in any row (a type nothing here knows) is left to its default.
  const leftToDefault = (c: CorpusTable['columns'][number]) =>
    !c.nullable && c.default !== undefined && rows.every(r => r[c.name] === null || r[c.name] === undefined)
  const columns = table.columns.filter(c => !c.generated && !leftToDefault(c)).map(c => c.name)
  if (rows.length === 0 || columns.length === 0) return
  const batch = Math.max(1, Math.floor(20000 / columns.length))
  for (let start = 0; start < rows.length; start += batch) {
    const slice = rows.slice(start, start + batch)
    const params: Array<string | null> = []
    const tuples = slice.map(
      row =>
        `(${columns
          .map(column => {
            const type = live.get(column)!
            params.push(toSqlText(row[column] ?? null, type))
            return `$${params.length}::${type.sql}`
          })
          .join(', ')})`,
    )
    try {
      await client.query(`INSERT INTO ${quoteTable(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}`, params)
    } catch (error) {
      throw new Error(`inserting into ${tableKeyOf(table)}: ${(error as Error).message}`)
    }
  }
}

/** Columns holding a value in some row, counted by the server (generated columns and inheriting tables' rows included), a few hundred tables a round trip. */
async function filledColumns(client: pg.ClientBase, corpus: CorpusSchema): Promise<Set<string>> {
  const filled = new Set<string>()
  const tables = corpus.tables.filter(t => t.columns.length > 0)
  for (let start = 0; start < tables.length; start += 200) {
    const chunk = tables.slice(start, start + 200)
    const sql = chunk
      .map(table => `SELECT ${table.columns.map((c, i) => `count(${quoteIdent(c.name)}) AS c${i}`).join(', ')} FROM ${quoteTable(table)}`)
      .join(';\n')
    const result = (await client.query(sql)) as unknown as pg.QueryResult<Record<string, string>> | Array<pg.QueryResult<Record<string, string>>>
    const results = Array.isArray(result) ? result : [result]
    chunk.forEach((table, n) =>
      table.columns.forEach((c, i) => {
        if (Number(results[n]!.rows[0]![`c${i}`]) > 0) filled.add(`${tableKeyOf(table)}.${c.name}`)
      }),
    )
  }
  return filled
}

import type {FuzzCase, RowModel, TableModel} from './model.js'
import {tableKeyOf} from './model.js'
import type {Failure} from './oracle/failures.js'
import {CaseVerdict, FuzzEnv, runCase} from './run-case.js'

export interface ShrinkResult {
  fuzzCase: FuzzCase
  verdict: CaseVerdict
  runs: number
}

/** A failure found again in a smaller case: same kind, same table. */
const signature = (f: Failure) => `${f.kind} ${f.table ?? ''}`

/**
 * Greedy reduction: tries smaller cases (a table, a person, a row, a foreign
 * key, an index, a column fewer; no restriction, no audit trigger, one erasure
 * instead of two) and keeps each one that still fails the same way, until no
 * smaller case does or the budget runs out.
 */
export async function shrinkCase(
  env: FuzzEnv,
  fuzzCase: FuzzCase,
  verdict: CaseVerdict,
  options: {kind?: string; log?: (message: string) => void; runs?: number; ms?: number} = {},
): Promise<ShrinkResult> {
  const budget = {runs: options.runs ?? 400, ms: options.ms ?? 120_000}
  const log = options.log
  const first = verdict.failures.find(f => !options.kind || f.kind === options.kind) ?? verdict.failures[0]!
  const target = signature(first)
  const started = Date.now()
  let best = {fuzzCase, verdict}
  let runs = 0
  const outOfBudget = () => runs >= budget.runs || Date.now() - started > budget.ms
  for (let improved = true; improved && !outOfBudget();) {
    improved = false
    for (const candidate of smallerCases(best.fuzzCase)) {
      if (outOfBudget()) break
      runs++
      const result = await runCase(env, env.slots[0]!, candidate).catch(() => undefined)
      if (result?.failures.some(f => signature(f) === target)) {
        // Keep the failure being chased first, so a saved example names it.
        result.failures.sort((a, b) => Number(signature(b) === target) - Number(signature(a) === target))
        best = {fuzzCase: candidate, verdict: result}
        log?.(`shrink seed ${fuzzCase.seed}: ${size(candidate)} after ${runs} runs`)
        improved = true
        break
      }
    }
  }
  return {...best, runs}
}

const size = (c: FuzzCase) =>
  `${c.tables.length} tables, ${c.tables.reduce((n, t) => n + t.rows.length, 0)} rows, ${c.tables.reduce((n, t) => n + t.columns.length, 0)} columns`

/** Every one-step smaller case, biggest steps first. */
export function* smallerCases(c: FuzzCase): Generator<FuzzCase> {
  if (c.erase.length > 1) for (const person of c.erase) yield {...clone(c), erase: [person]}
  if (c.restrict) yield without(clone(c), 'restrict')
  if (c.audit) yield dropAudit(clone(c))
  if (c.reviewerEdits.length > 0) yield {...clone(c), reviewerEdits: []}
  if (c.reviewerEdits.length > 1) for (let i = 0; i < c.reviewerEdits.length; i++) yield {...clone(c), reviewerEdits: c.reviewerEdits.filter((_, k) => k !== i)}
  if (c.lookupByEmail) yield {...clone(c), lookupByEmail: false}
  for (const table of c.tables) if (tableKeyOf(table) !== c.root) yield dropTable(clone(c), tableKeyOf(table))
  const keep = new Set([...c.erase, ...(c.restrict ? [c.restrict.person] : [])])
  const root = c.tables.find(t => tableKeyOf(t) === c.root)!
  for (const [i, row] of root.rows.entries()) if (!row.owners.some(o => keep.has(o))) yield dropRows(clone(c), c.root, [i])
  for (const table of c.tables) {
    if (tableKeyOf(table) === c.root) continue
    if (table.rows.length > 1) yield dropRows(clone(c), tableKeyOf(table), table.rows.map((_, i) => i).slice(0, Math.ceil(table.rows.length / 2)))
    for (let i = 0; i < table.rows.length; i++) yield dropRows(clone(c), tableKeyOf(table), [i])
  }
  for (const table of c.tables) {
    for (const fk of table.foreignKeys)
      yield edit(c, tableKeyOf(table), t => {
        t.foreignKeys = t.foreignKeys.filter(f => f.name !== fk.name)
      })
    for (const index of table.indexes)
      yield edit(c, tableKeyOf(table), t => {
        t.indexes = t.indexes.filter(x => x.name !== index.name)
      })
  }
  for (const table of c.tables) {
    for (const column of table.columns) if (isDroppable(c, table, column.name)) yield dropColumn(clone(c), tableKeyOf(table), column.name)
  }
}

const clone = (c: FuzzCase): FuzzCase => structuredClone(c)

function without<K extends 'restrict' | 'audit'>(c: FuzzCase, key: K): FuzzCase {
  delete c[key]
  return c
}

function edit(c: FuzzCase, key: string, change: (t: TableModel) => void): FuzzCase {
  const copy = clone(c)
  change(copy.tables.find(t => tableKeyOf(t) === key)!)
  return copy
}

function dropAudit(c: FuzzCase): FuzzCase {
  const audit = c.audit!
  delete c.audit
  return dropTable(c, audit.table)
}

function dropTable(c: FuzzCase, key: string): FuzzCase {
  c.tables = c.tables.filter(t => tableKeyOf(t) !== key)
  for (const t of c.tables) t.foreignKeys = t.foreignKeys.filter(fk => fk.references !== key)
  if (c.audit?.table === key) delete c.audit
  if (c.audit) c.audit.watched = c.audit.watched.filter(w => w !== key)
  c.reviewerEdits = c.reviewerEdits.filter(e => e.table !== key)
  return c
}

/**
 * Removes rows; a row pointing at one of them through a foreign key loses
 * the pointer when its columns may be NULL, and goes too when they may not.
 */
function dropRows(c: FuzzCase, key: string, indexes: number[]): FuzzCase {
  const table = c.tables.find(t => tableKeyOf(t) === key)!
  const removed = indexes.map(i => table.rows[i]!)
  table.rows = table.rows.filter((_, i) => !indexes.includes(i))
  for (const other of c.tables) {
    for (const fk of other.foreignKeys.filter(f => f.references === key)) {
      const pointsAtRemoved = (row: RowModel) =>
        removed.some(r =>
          fk.columns.every(
            (col, k) =>
              row.values[col] !== null &&
              row.values[col] !== undefined &&
              JSON.stringify(row.values[col]) === JSON.stringify(r.values[fk.referencedColumns[k]!]),
          ),
        )
      const nullable = fk.columns.every(col => !other.columns.find(x => x.name === col)?.notNull && !other.primaryKey.includes(col))
      if (nullable) {
        for (const row of other.rows) if (pointsAtRemoved(row)) for (const col of fk.columns) row.values[col] = null
        continue
      }
      const dangling = other.rows.flatMap((row, i) => (pointsAtRemoved(row) ? [i] : []))
      if (dangling.length > 0) dropRows(c, tableKeyOf(other), dangling)
    }
  }
  return c
}

function isDroppable(c: FuzzCase, table: TableModel, column: string): boolean {
  if (table.primaryKey.includes(column)) return false
  if (tableKeyOf(table) === c.root && column === c.rootEmail) return false
  if (table.foreignKeys.some(fk => fk.columns.includes(column))) return false
  const key = tableKeyOf(table)
  return !c.tables.some(t => t.foreignKeys.some(fk => fk.references === key && fk.referencedColumns.includes(column)))
}

function dropColumn(c: FuzzCase, key: string, column: string): FuzzCase {
  const table = c.tables.find(t => tableKeyOf(t) === key)!
  const gone = new Set([column, ...table.columns.filter(col => col.generated?.dependsOn.includes(column)).map(col => col.name)])
  table.columns = table.columns.filter(col => !gone.has(col.name))
  table.indexes = table.indexes.filter(index => !index.columns.some(col => gone.has(col)))
  table.personColumns = table.personColumns?.filter(col => !gone.has(col))
  for (const row of table.rows) for (const col of gone) delete row.values[col]
  c.reviewerEdits = c.reviewerEdits.filter(e => !((e.kind === 'column-strategy' || e.kind === 'add-via') && e.table === key && gone.has(e.column)))
  return c
}

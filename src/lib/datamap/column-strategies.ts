import {ColumnInfo, SchemaInfo, TableInfo, isUniqueColumn} from '../db/introspect.js'
import {hasRedactionConstant} from '../erase/strategies.js'
import {COLUMN_STRATEGIES, ColumnMap, DataMap, edgeColumns, edgesOf, kindOfTable} from './schema.js'

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext', 'name'])
const JSON_TYPES = new Set(['json', 'jsonb'])
const FAKEABLE = new Set([...TEXT_TYPES, 'date', 'timestamp', 'timestamptz', 'inet', 'cidr', 'int2', 'int4', 'int8', 'numeric', 'uuid', 'json', 'jsonb'])

/** A column strategy that writes a value: everything but `keep`, plus `keys` (removing keys inside JSON). */
export type WriteStrategy = Exclude<(typeof COLUMN_STRATEGIES)[number], 'keep'> | 'keys'

/** A mapped column whose strategy cannot or must not run, with where it is in privacy.yml. */
export interface ColumnStrategyProblem {
  table: string
  column: string
  strategy: WriteStrategy | 'keep'
  /** Its place in privacy.yml, and the key on its line to point at. */
  path: ['tables', string, 'columns', string]
  field: 'erase' | 'keys'
  message: string
}

/** What an erasure writes into the column: nothing, a value, or the document without some keys. */
export function writeStrategyOf(spec: ColumnMap, column?: ColumnInfo): WriteStrategy | undefined {
  if (!spec.erase || spec.erase === 'keep') return undefined
  if (spec.keys && spec.keys.length > 0 && (!column || (JSON_TYPES.has(column.baseType) && !column.isArray))) return 'keys'
  return spec.erase
}

/** `keys` only reach inside a json or jsonb value (not an array of them). */
const misplacedKeys = (spec: ColumnMap, column: ColumnInfo) =>
  spec.keys !== undefined && spec.keys.length > 0 && (!JSON_TYPES.has(column.baseType) || column.isArray)

/** Why a column strategy cannot work on this column's type, or nothing when it can. */
export function strategyProblem(spec: ColumnMap, column: ColumnInfo): string | undefined {
  if (misplacedKeys(spec, column)) {
    return `keys on ${column.name} (${column.type}): keys name entries inside a json or jsonb value — remove keys, and erase the column with redact, null or fake`
  }
  switch (spec.erase) {
    case 'null':
      return column.isNullable ? undefined : `erase: null on ${column.name}, which is NOT NULL — use redact or fake`
    case 'hash':
      return TEXT_TYPES.has(column.baseType) && !column.isArray && (column.maxLength === null || column.maxLength >= 64)
        ? undefined
        : `erase: hash on ${column.name} (${column.type}) needs a text column of at least 64 characters — use redact, fake or null`
    case 'fake':
      return FAKEABLE.has(column.baseType) ? undefined : `erase: fake has no generator for ${column.name} (${column.type}) — use redact or null`
    default:
      return undefined
  }
}

/** The ways a column ties rows together; each refuses the strategies that would break or redirect the tie. */
interface ReferenceRole {
  refuses: ReadonlySet<WriteStrategy>
  what: string
  instead: string
}

// NULL points at nobody, so a reference may be cleared (how a shared row is unlinked from the person); any other
// value points the row at another row — possibly a real other person's — or at nothing, or fails the constraint.
const REWRITING: ReadonlySet<WriteStrategy> = new Set(['redact', 'hash', 'fake', 'keys'])
// A constant every erased person shares would make them look alike to the next request naming one of them.
const SHARED: ReadonlySet<WriteStrategy> = new Set(['redact', 'keys'])

const REMOVE_ROWS = 'or delete the rows (erase: delete on the table)'

function referenceRoles(map: DataMap, table: TableInfo, column: string): ReferenceRole[] {
  const roles: ReferenceRole[] = []
  const clearOnly = `a new value can point the row at someone else; leave it alone, clear it with erase: null, ${REMOVE_ROWS}`
  if (table.primaryKey.includes(column))
    roles.push({
      refuses: REWRITING,
      what: `part of the primary key of ${table.key}`,
      instead: `the key tells rows apart and is what the ledger records; leave it alone, ${REMOVE_ROWS}`,
    })
  for (const fk of table.foreignKeys.filter(f => f.columns.includes(column)))
    roles.push({refuses: REWRITING, what: `a foreign key to ${fk.references} (${fk.name})`, instead: clearOnly})
  const edges = edgesOf(map.tables[table.key] ?? {}).filter(edge => edgeColumns(edge).includes(column))
  if (edges.length > 0) roles.push({refuses: REWRITING, what: `the via edge to ${edges.map(e => [e.to].flat().join(' + ')).join(', ')}`, instead: clearOnly})
  const kind = kindOfTable(map, table.key)
  if (roles.length === 0 && kind?.lookup.includes(column)) {
    // A redaction is distinct per row only where the column is unique.
    roles.push({
      refuses: isUniqueColumn(table, column) ? new Set(['keys']) : SHARED,
      what: `a lookup column of the ${kind.name}s (${kind.table})`,
      instead: 'erased people would share the value; use hash, fake or null',
    })
  }
  return roles
}

/** Column strategies run where rows are kept: tables erased by anonymising, or anonymised by a retention rule. */
const isAnonymised = (map: DataMap, key: string) => map.tables[key]?.erase === 'anonymize' || map.tables[key]?.retention?.action === 'anonymize'

function eachMappedColumn(map: DataMap, schema: SchemaInfo, visit: (table: TableInfo, column: ColumnInfo, spec: ColumnMap) => void): void {
  for (const [key, spec] of Object.entries(map.tables)) {
    const table = schema.tables.get(key)
    if (!table) continue
    for (const [name, columnSpec] of Object.entries(spec.columns ?? {})) {
      const column = table.columns.find(c => c.name === name)
      if (column) visit(table, column, columnSpec)
    }
  }
}

const problemAt = (table: TableInfo, column: ColumnInfo, spec: ColumnMap, message: string): ColumnStrategyProblem => {
  const strategy = writeStrategyOf(spec, column) ?? 'keep'
  const field = strategy === 'keys' || misplacedKeys(spec, column) ? 'keys' : 'erase'
  return {table: table.key, column: column.name, strategy, path: ['tables', table.key, 'columns', column.name], field, message}
}

/**
 * Value-changing strategies on columns that tie rows to each other or to the
 * person, in tables whose rows are kept (anonymised): a primary key, a
 * foreign key or a via edge column may only be cleared (erase: null), since
 * any other value can point the row at someone else; a lookup of the subject
 * must not become a value erased people share (a redaction of a column that
 * is not unique, or keys). Pure: the map validator reports these with line
 * numbers, and an erasure asks again at run time.
 */
export function referenceColumnProblems(map: DataMap, schema: SchemaInfo): ColumnStrategyProblem[] {
  const problems: ColumnStrategyProblem[] = []
  eachMappedColumn(map, schema, (table, column, spec) => {
    const strategy = writeStrategyOf(spec)
    if (!strategy || spec.category === 'none' || !isAnonymised(map, table.key)) return
    const refusing = referenceRoles(map, table, column.name).filter(role => role.refuses.has(strategy))
    if (refusing.length === 0) return
    const named = strategy === 'keys' ? `keys (${spec.keys!.join(', ')})` : `erase: ${strategy}`
    problems.push(problemAt(table, column, spec, `${named} on ${column.name}, which is ${refusing.map(r => r.what).join(' and ')}: ${refusing[0]!.instead}`))
  })
  return problems
}

/**
 * Every mapped column whose strategy cannot or must not run: a strategy that
 * does not fit the column's type, any write into a column Postgres generates,
 * and the reference columns above.
 */
export function columnStrategyProblems(map: DataMap, schema: SchemaInfo): ColumnStrategyProblem[] {
  const problems: ColumnStrategyProblem[] = []
  eachMappedColumn(map, schema, (table, column, spec) => {
    const typeProblem =
      strategyProblem(spec, column) ??
      (spec.erase === 'redact' && isAnonymised(map, table.key) && !hasRedactionConstant(column)
        ? `erase: redact has no constant for ${column.name} (${column.type}, NOT NULL) — use fake, or keep it with a basis`
        : undefined)
    if (typeProblem) problems.push(problemAt(table, column, spec, typeProblem))
    else if (column.generated && writeStrategyOf(spec, column)) {
      problems.push(
        problemAt(
          table,
          column,
          spec,
          `erase: ${spec.erase} on ${column.name}, which Postgres computes (GENERATED ALWAYS … ${column.generated.toUpperCase()}) and cannot be written — remove erase here, and erase the columns it is computed from`,
        ),
      )
    }
  })
  const reference = referenceColumnProblems(map, schema)
  return [...problems, ...reference.filter(r => !problems.some(p => p.table === r.table && p.column === r.column))]
}

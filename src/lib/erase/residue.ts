import type pg from 'pg'

import {keyPatternJsonPath, parseKeyPattern} from '../datamap/json-keys.js'
import type {Category, ColumnMap, DataMap} from '../datamap/schema.js'
import type {ColumnInfo, TableInfo} from '../db/introspect.js'
import {SqlParams} from '../db/params.js'
import {quoteIdent} from '../db/sql.js'
import {PrivacyError} from '../errors.js'
import {KeySet, SubjectRows, sameRow} from '../subject/keyset.js'
import type {SubjectLookup} from '../subject/parse.js'
import {stripJsonKeysSql} from './json-keys-sql.js'
import {REPLACEMENT_TEXT_PATTERN} from './strategies.js'

/**
 * The residue check: before an erasure commits, search what it was meant to
 * erase for the people's own identifiers, collected before anything changed.
 * The identifiers stay inside the transaction (a temporary table dropped at
 * its end); only counts per table and column ever leave Postgres.
 */

/** Categories whose values identify a person wherever they turn up. */
const IDENTIFYING: ReadonlySet<Category> = new Set(['identity', 'contact', 'online_id', 'government_id', 'financial', 'credentials'])
const TEXT = new Set(['text', 'varchar', 'bpchar', 'citext', 'name'])
const JSON_TYPES = new Set(['json', 'jsonb'])
const ADDRESS = new Set(['inet', 'cidr'])
const IDENTIFIERS = 'pg_temp.hp_identifiers'

export function isSearchable(column: ColumnInfo): boolean {
  return TEXT.has(column.baseType) || JSON_TYPES.has(column.baseType) || ADDRESS.has(column.baseType)
}

/** The column's value as lower-case text, as identifiers are compared. */
function searchText(column: ColumnInfo, alias: string): string {
  const name = `${alias}.${quoteIdent(column.name)}`
  if (ADDRESS.has(column.baseType) && !column.isArray) return `host(${name})`
  return `lower(${name}::text)`
}

/**
 * Text values of a column, one per element for arrays; for JSON, the values
 * under the keys the map erases (or every string in it, when it names none).
 */
function valuesOf(column: ColumnInfo, spec: ColumnMap, alias: string, params: SqlParams): string {
  const name = `${alias}.${quoteIdent(column.name)}`
  if (JSON_TYPES.has(column.baseType)) {
    const json = column.isArray ? `unnest(${name})::jsonb` : `${name}::jsonb`
    const paths = spec.keys?.length ? spec.keys.map(k => params.add(jsonPathOf(k))) : [params.add('strict $.**')]
    return `(SELECT v #>> '{}' FROM unnest(ARRAY[${paths.map(p => `${p}::jsonpath`).join(', ')}]) p, jsonb_path_query(${json}, p, '{}', true) v WHERE jsonb_typeof(v) = 'string')`
  }
  if (ADDRESS.has(column.baseType)) return column.isArray ? `(SELECT host(e) FROM unnest(${name}) e)` : `(SELECT host(${name}))`
  return column.isArray ? `(SELECT e::text FROM unnest(${name}) e)` : `(SELECT ${name}::text)`
}

/**
 * A value picks out one person when it is at least five characters and not
 * a single short word: "Alice" alone would match other Alices, while
 * "Alice Example", alice_w, emails, phone numbers and addresses do not.
 */
export const DISTINCTIVE_SQL = (value: string) => `(length(${value}) >= 5 AND (length(${value}) >= 10 OR ${value} ~ '[^[:alpha:]]'))`

/** How text is cut into tokens: emails, user names, IPv4 addresses and numbers stay whole. */
const TOKEN_DELIMITERS = `'[^[:alnum:]@._+%-]+'`
/** The first token of a value: the whole value for most identifiers, the first word of a name or an address. */
const FIRST_TOKEN_SQL = (value: string) => `rtrim(substring(${value} FROM '[[:alnum:]@._+%-]+'), '.')`

/**
 * Adds the distinctive values of `source` (rows of value, is_name, ord) to
 * the identifiers. Only a name, or a value without spaces (an IP, an account
 * id — not a browser's user agent), picks out one person; what an earlier
 * erasure wrote names no one. A value found twice keeps the kind of its first
 * column (lowest `ord`), and of the first statement that found it.
 */
async function insertIdentifiers(client: pg.ClientBase, source: string, params: unknown[]): Promise<void> {
  await client.query(
    `
    INSERT INTO ${IDENTIFIERS} (value, token, is_name)
    SELECT v, token, is_name FROM (
      SELECT DISTINCT ON (v) v, token, is_name
      FROM (SELECT v, ${FIRST_TOKEN_SQL('v')} AS token, is_name, ord FROM (SELECT lower(btrim(value)) AS v, is_name, ord FROM (${source}) s(value, is_name, ord)) d) t
      WHERE token <> '' AND ${DISTINCTIVE_SQL('v')} AND (is_name OR v !~ '[[:space:]]')
      ORDER BY v, ord) distinct_values
    WHERE v !~ $${params.length + 1}
    ON CONFLICT DO NOTHING`,
    [...params, REPLACEMENT_TEXT_PATTERN],
  )
}

/**
 * Collects the people's distinctive identifiers from their rows before the
 * erasure changes them: every value of an identifying column the map marks,
 * and the lookup values. Returns how many there are.
 */
export async function collectIdentifiers(client: pg.ClientBase, sets: Map<string, KeySet>, map: DataMap, lookups: SubjectLookup[]): Promise<number> {
  await client.query(`CREATE TEMPORARY TABLE hp_identifiers (value text PRIMARY KEY, token text NOT NULL, is_name boolean NOT NULL) ON COMMIT DROP`)
  await insertIdentifiers(client, 'SELECT unnest($1::text[]), false, 0', [lookups.map(l => l.value)])
  for (const [key, set] of sets) {
    const columns = Object.entries(map.tables[key]?.columns ?? {})
      .filter(([, spec]) => IDENTIFYING.has(spec.category))
      .map(([name, spec]) => ({column: set.planned.table.columns.find(c => c.name === name), spec}))
      .filter(
        (c): c is {column: ColumnInfo; spec: ColumnMap} =>
          c.column !== undefined && (isSearchable(c.column) || !['bool', 'date', 'timestamp', 'timestamptz', 'bytea'].includes(c.column.baseType)),
      )
    if (columns.length === 0) continue
    // All the table's columns in one pass over the people's rows; `ord` keeps the column order, in which the first kind of a value found wins.
    const params = new SqlParams()
    const values = columns.map(({column, spec}, ord) => {
      const source = isSearchable(column) ? valuesOf(column, spec, 't', params) : `(SELECT t.${quoteIdent(column.name)}::text)`
      return `SELECT x, ${spec.category === 'identity'}, ${ord} FROM ${source} AS c(x)`
    })
    await insertIdentifiers(
      client,
      `SELECT l.x, l.is_name, l.ord FROM ${set.from} t JOIN ${set.relation} k ON ${sameRow(set, 't', 'k')}, LATERAL (${values.join(' UNION ALL ')}) AS l(x, is_name, ord)`,
      params.values,
    )
  }
  const {
    rows: [count],
  } = await client.query<{n: string}>(`SELECT count(*) AS n FROM ${IDENTIFIERS}`)
  await client.query(`CREATE INDEX ON ${IDENTIFIERS} (token)`)
  await client.query(`ANALYZE ${IDENTIFIERS}`)
  return Number(count!.n)
}

/**
 * SQL true when the column's value holds one of the collected identifiers as
 * whole tokens: each token of the value is looked up by the identifiers'
 * first tokens (an index lookup, however many identifiers), and a multi-word
 * identifier (a full name, an address) must then appear whole.
 */
export function holdsIdentifier(column: ColumnInfo, alias: string): string {
  const text = searchText(column, alias)
  return `EXISTS (SELECT 1 FROM regexp_split_to_table(${text}, ${TOKEN_DELIMITERS}) AS tok(v)
    JOIN ${IDENTIFIERS} i ON i.token = rtrim(tok.v, '.') WHERE i.token = i.value OR position(i.value IN ${text}) > 0)`
}

/** The column's value as compared with the identifiers other than names: whole, trimmed, lower-case (an address by its host). */
function normalisedValue(column: ColumnInfo, value: string): string {
  return ADDRESS.has(column.baseType) ? `host(${value})` : `lower(btrim(${value}::text))`
}

/**
 * The column's value to join with the identifiers: for an array, its first
 * element that is one (each element probed through the identifiers' primary
 * key), so a row counts once however many of its elements match.
 */
function comparedValue(column: ColumnInfo, alias: string): string {
  const name = `${alias}.${quoteIdent(column.name)}`
  if (!column.isArray) return normalisedValue(column, name)
  return `(SELECT x.v FROM unnest(${name}) e, LATERAL (SELECT ${normalisedValue(column, 'e')} AS v) x
    WHERE EXISTS (SELECT 1 FROM ${IDENTIFIERS} i WHERE i.value = x.v AND NOT i.is_name) LIMIT 1)`
}

export interface ResidueHit {
  table: string
  column: string
  rows: number
  /** Why the value may be there: the map erases it (fatal), keeps it, does not map it, or it is in other people's rows. */
  kind: 'erased' | 'kept' | 'unmapped' | 'other_rows' | 'rows_remain' | 'rows_missed' | 'json_keys_remain'
}

export interface ResidueReport {
  identifiers: number
  /** Columns searched. */
  columns: number
  /** Hits in data the map says this command erases: the erasure must not commit. */
  fatal: ResidueHit[]
  /** Hits the map allows (kept with a basis, not mapped, or in other people's rows), reported. */
  found: ResidueHit[]
}

export interface ResidueTarget {
  table: TableInfo
  key: string
  action: 'delete' | 'anonymize'
  /** SQL over alias `t`: the row is one the erasure leaves on purpose (held, or shared with a restricted person). */
  leftAlone: string
}

const CHANGES_VALUE = new Set<ColumnMap['erase']>(['null', 'redact', 'hash', 'fake'])

/**
 * Searches, after the erasure's last statement: the rows that should be gone
 * (deleted tables), the columns the map erases in the rows that stay
 * (anonymised tables; JSON keys erased at any depth), the other columns of
 * those rows, and — given `others`, the people's whole row sets — the
 * identifying columns of every mapped table in other people's rows.
 */
export async function checkResidue(
  client: pg.ClientBase,
  sets: Map<string, KeySet>,
  map: DataMap,
  targets: ResidueTarget[],
  identifiers: number,
  others?: SubjectRows,
): Promise<ResidueReport> {
  const report: ResidueReport = {identifiers, columns: 0, fatal: [], found: []}
  for (const target of targets) {
    const set = sets.get(target.key)!
    const own = `${set.from} t JOIN ${set.relation} k ON ${sameRow(set, 't', 'k')} WHERE NOT (${target.leftAlone})`
    if (target.action === 'delete') {
      const {
        rows: [left],
      } = await client.query<{n: string}>(`SELECT count(*) AS n FROM ${own}`)
      if (Number(left!.n) > 0) report.fatal.push({table: target.key, column: '*', rows: Number(left!.n), kind: 'rows_remain'})
      continue
    }
    const specs = map.tables[target.key]?.columns ?? {}
    const searched = target.table.columns.filter(c => isSearchable(c) && !c.generated)
    if (identifiers > 0 && searched.length > 0) {
      const filters = searched.map((c, i) => `count(*) FILTER (WHERE ${holdsIdentifier(c, 't')}) AS c${i}`)
      const {
        rows: [counts],
      } = await client.query<Record<string, string>>(`SELECT ${filters.join(', ')} FROM ${own}`)
      report.columns += searched.length
      searched.forEach((column, i) => {
        const n = Number(counts![`c${i}`])
        if (n === 0) return
        const spec = specs[column.name]
        const erased = spec !== undefined && spec.category !== 'none' && CHANGES_VALUE.has(spec.erase) && !spec.keys
        const kind: ResidueHit['kind'] = erased ? 'erased' : spec?.erase === 'keep' || spec?.keys ? 'kept' : 'unmapped'
        ;(erased ? report.fatal : report.found).push({table: target.key, column: column.name, rows: n, kind})
      })
    }
    for (const [name, spec] of Object.entries(specs)) {
      const column = target.table.columns.find(c => c.name === name)
      if (!spec.keys?.length || !column || !JSON_TYPES.has(column.baseType) || column.isArray) continue
      const params = new SqlParams()
      // Exactly what the erasure removes: a row still holds the keys when removing them would change it.
      const document = `t.${quoteIdent(name)}::jsonb`
      const {
        rows: [left],
      } = await client.query<{n: string}>(
        `SELECT count(*) AS n FROM ${own} AND ${document} IS DISTINCT FROM ${stripJsonKeysSql(document, spec.keys, params.add)}`,
        params.values,
      )
      if (Number(left!.n) > 0) report.fatal.push({table: target.key, column: name, rows: Number(left!.n), kind: 'json_keys_remain'})
    }
  }
  if (identifiers > 0 && others) await searchOtherRows(client, others, map, report)
  return report
}

/**
 * A `keys:` entry as a JSON path that finds its values. A path of keys is lax
 * (a key that is not there is simply not found; arrays on the way are
 * searched); a key at any depth is strict, since `.**` already visits every
 * array element, and lax mode would unwrap each array again (every value
 * found twice per level, several times the work).
 */
export function jsonPathOf(key: string): string {
  const pattern = parseKeyPattern(key)
  if ('error' in pattern) throw new PrivacyError(`keys: ${pattern.error}`, {code: 'invalid_strategy'})
  return `${pattern.kind === 'anywhere' ? 'strict ' : ''}${keyPatternJsonPath(pattern)}`
}

/**
 * Identifying columns of every mapped table, in rows that are not the
 * people's, compared whole with identifiers other than names (copies of an
 * email or an IP in an audit table; other people may well share a name):
 * reported, never fatal. Free text of other people is privacy:locate's work.
 *
 * One pass per table: each row's values are unpivoted (one per column) and
 * joined with the identifiers. A join, unlike a test inside an aggregate's
 * FILTER, lets Postgres hash the identifiers once (spilling to disk in batches
 * when they outgrow work_mem) instead of probing them row by row.
 */
async function searchOtherRows(client: pg.ClientBase, rows: SubjectRows, map: DataMap, report: ResidueReport): Promise<void> {
  for (const [key, set] of rows.sets) {
    const columns = Object.entries(map.tables[key]?.columns ?? {})
      .filter(([, spec]) => IDENTIFYING.has(spec.category))
      .map(([name]) => set.planned.table.columns.find(c => c.name === name))
      .filter((c): c is ColumnInfo => c !== undefined && (TEXT.has(c.baseType) || ADDRESS.has(c.baseType)))
    if (columns.length === 0) continue
    const values = columns.map((c, i) => `(${i}, ${comparedValue(c, 't')})`).join(', ')
    const {rows: counts} = await client.query<{col: number; n: string}>(
      `SELECT v.col, count(*) AS n FROM ${set.from} t CROSS JOIN LATERAL (VALUES ${values}) AS v(col, value)
       WHERE ${rows.outside(key, 't')} AND EXISTS (SELECT 1 FROM ${IDENTIFIERS} i WHERE i.value = v.value AND NOT i.is_name)
       GROUP BY v.col ORDER BY v.col`,
    )
    report.columns += columns.length
    for (const {col, n} of counts) report.found.push({table: key, column: columns[col]!.name, rows: Number(n), kind: 'other_rows'})
  }
}

import type pg from 'pg'

import {Category, DataMap, subjectKinds} from '../datamap/schema.js'
import type {ColumnInfo} from '../db/introspect.js'
import {quoteIdent} from '../db/sql.js'
import type {SubjectRows} from '../subject/keyset.js'
import type {SubjectLookup} from '../subject/parse.js'
import {escapeLike, escapeRegex} from './patterns.js'
import {CategorisedValue, IDENTIFYING_CATEGORIES, Identifier, distinctiveIdentifiers, identifierOf} from './identifiers.js'

/** Distinct values read per column: enough for any one person, and memory stays bounded for a person with millions of rows. */
const MAX_VALUES_PER_COLUMN = 200

/** How a column's values read as text: strings inside JSON at any depth, an address without its mask, array elements. */
function valuesOf(column: ColumnInfo): {from: string; value: string} {
  const name = `t.${quoteIdent(column.name)}`
  const element = column.isArray ? 'locate_element' : name
  const from = column.isArray ? `, unnest(${name}) AS locate_element` : ''
  if (column.baseType === 'json' || column.baseType === 'jsonb') {
    return {
      from: `${from}, jsonb_path_query(${element}::jsonb, 'strict $.**') AS locate_leaf`,
      value: `CASE WHEN jsonb_typeof(locate_leaf) = 'string' THEN locate_leaf #>> '{}' END`,
    }
  }
  if (column.baseType === 'inet' || column.baseType === 'cidr') return {from, value: `host(${element})`}
  return {from, value: `${element}::text`}
}

export interface IdentifyingInput {
  map: DataMap
  /** The people's rows, chosen on this client (key sets of its transaction, or inline). */
  rows: SubjectRows
  lookups: SubjectLookup[]
}

/**
 * The distinctive values of the people's rows in every column the map marks
 * as identity, contact, online id, government id or financial, with their
 * category, and the lookups they were named by. A value that other rows of
 * the same column hold too (a shared office phone, a test card number, a
 * common full name, a user agent) does not pick out these people and is left
 * out: searching for it would find everyone who shares it.
 */
export async function readIdentifyingValues(client: pg.ClientBase, input: IdentifyingInput): Promise<CategorisedValue[]> {
  const found: CategorisedValue[] = input.lookups.map(l => ({value: l.value, category: lookupCategory(input.map, l.column)}))
  for (const [key, set] of input.rows.sets) {
    const identifying = Object.entries(input.map.tables[key]?.columns ?? {}).filter(([, spec]) => IDENTIFYING_CATEGORIES.has(spec.category))
    for (const [name, spec] of identifying) {
      const column = set.planned.table.columns.find(c => c.name === name)
      if (!column) continue
      const {from, value} = valuesOf(column)
      const own = input.rows.belongs(key, 't')
      const source = `FROM ${set.from} t${from} WHERE t.${quoteIdent(name)} IS NOT NULL`
      const {rows} = await client.query<{value: string | null}>(
        `${input.rows.prefix([key])}SELECT DISTINCT ${value} AS value ${source} AND ${own} LIMIT ${MAX_VALUES_PER_COLUMN}`,
      )
      const candidates = rows.map(r => r.value).filter((v): v is string => v !== null && identifierOf(v, spec.category) !== undefined)
      if (candidates.length === 0) continue
      const shared = await heldByOthers(client, {prefix: input.rows.prefix([key]), from: set.from, own}, column, candidates)
      for (const candidate of candidates) if (!shared.has(candidate)) found.push({value: candidate, category: spec.category})
    }
  }
  return found
}

/** Which candidates other rows of the same column hold as well, in one pass over the table. */
async function heldByOthers(
  client: pg.ClientBase,
  table: {prefix: string; from: string; own: string},
  column: ColumnInfo,
  candidates: string[],
): Promise<Set<string>> {
  const name = `t.${quoteIdent(column.name)}`
  const others = `FROM ${table.from} t WHERE ${name} IS NOT NULL AND (${table.own}) IS NOT TRUE`
  if (column.baseType !== 'json' && column.baseType !== 'jsonb') {
    const {from, value} = valuesOf(column)
    const {rows} = await client.query<{value: string}>(
      `${table.prefix}SELECT DISTINCT ${value} AS value FROM ${table.from} t${from} WHERE ${name} IS NOT NULL AND (${table.own}) IS NOT TRUE AND ${value} = ANY($1::text[])`,
      [candidates],
    )
    return new Set(rows.map(r => r.value))
  }
  // Walking every other row's JSON would cost a path query per row; its text holds each string leaf JSON-encoded, so a LIKE finds the few rows worth a look.
  const encoded = new Map(candidates.map(c => [JSON.stringify(c).slice(1, -1), c]))
  const likes = [...encoded.keys()].map(e => `%"${escapeLike(e)}"%`)
  const regex = `"(${[...encoded.keys()].map(escapeRegex).join('|')})"`
  const {rows} = await client.query<{value: string}>(
    `${table.prefix}SELECT DISTINCT found[1] AS value FROM (SELECT ${name}::text AS doc ${others}) AS others, regexp_matches(doc, $2, 'g') AS found WHERE doc LIKE ANY($1::text[])`,
    [likes, regex],
  )
  return new Set(rows.map(r => encoded.get(r.value)!).filter(Boolean))
}

/** The category the map gives a lookup column in the kinds' tables (the same column name in several kinds agrees, or the first wins). */
function lookupCategory(map: DataMap, column: string): Category | undefined {
  return subjectKinds(map)
    .map(kind => map.tables[kind.table]?.columns?.[column]?.category)
    .find(c => c !== undefined)
}

/** The distinctive identifiers of the people: what a search for them elsewhere looks for. */
export async function readIdentifiers(client: pg.ClientBase, input: IdentifyingInput): Promise<Identifier[]> {
  return distinctiveIdentifiers(await readIdentifyingValues(client, input))
}

import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import type {ColumnInfo} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import type {SubjectPlan} from '../subject/graph.js'
import type {SubjectLookup} from '../subject/parse.js'
import {ParentValues, selectSubjectRows} from '../subject/rows.js'
import {CategorisedValue, IDENTIFYING_CATEGORIES, Identifier, distinctiveIdentifiers} from './identifiers.js'

/** Distinct values read per column: enough for any one person, and memory stays bounded for a person with millions of rows. */
const MAX_VALUES_PER_COLUMN = 200

/** How a column's values read as text: strings inside JSON at any depth, an address without its mask, array elements. */
function valuesOf(column: ColumnInfo): {from: string; value: string} {
  const name = quoteIdent(column.name)
  const element = column.isArray ? 'locate_element' : name
  const from = column.isArray ? `, unnest(${name}) AS locate_element` : ''
  if (column.baseType === 'json' || column.baseType === 'jsonb') {
    return {from: `${from}, jsonb_path_query(${element}::jsonb, 'strict $.**') AS locate_leaf`, value: `CASE WHEN jsonb_typeof(locate_leaf) = 'string' THEN locate_leaf #>> '{}' END`}
  }
  if (column.baseType === 'inet' || column.baseType === 'cidr') return {from, value: `host(${element})`}
  return {from, value: `${element}::text`}
}

export interface IdentifyingInput {
  map: DataMap
  plan: SubjectPlan
  values: ParentValues
  rootKeys: string[]
  lookups: SubjectLookup[]
}

/**
 * The values of the people's rows in every column the map marks as
 * identity, contact, online id, government id or financial, with their
 * category, and the lookups they were named by.
 */
export async function readIdentifyingValues(client: pg.ClientBase, input: IdentifyingInput): Promise<CategorisedValue[]> {
  const rootColumns = input.map.tables[input.map.subject.table]?.columns ?? {}
  const found: CategorisedValue[] = input.lookups.map(l => ({value: l.value, category: rootColumns[l.column]?.category}))
  for (const table of input.plan.tables) {
    const identifying = Object.entries(table.spec.columns ?? {}).filter(([, spec]) => IDENTIFYING_CATEGORIES.has(spec.category))
    if (identifying.length === 0) continue
    const selection = selectSubjectRows(table, input.values, input.rootKeys, input.map.subject.key)
    if (!selection) continue
    for (const [name, spec] of identifying) {
      const column = table.table.columns.find(c => c.name === name)
      if (!column) continue
      const {from, value} = valuesOf(column)
      const {rows} = await client.query<{value: string | null}>(
        `SELECT DISTINCT ${value} AS value FROM ${quoteTable(table.table)}${from} WHERE (${selection.where}) AND ${quoteIdent(name)} IS NOT NULL LIMIT ${MAX_VALUES_PER_COLUMN}`,
        selection.params)
      for (const row of rows) if (row.value !== null) found.push({value: row.value, category: spec.category})
    }
  }
  return found
}

/** The distinctive identifiers of the people: what a search for them elsewhere looks for. */
export async function readIdentifiers(client: pg.ClientBase, input: IdentifyingInput): Promise<Identifier[]> {
  return distinctiveIdentifiers(await readIdentifyingValues(client, input))
}

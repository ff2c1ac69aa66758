import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'
import {planSubjectGraph} from '../subject/graph.js'
import type {SubjectLookup} from '../subject/parse.js'
import {resolveSubjects} from '../subject/resolve.js'
import {collectParentValues, selectSubjectRows} from '../subject/rows.js'
import type {Identifier} from './identifiers.js'
import {readIdentifiers} from './values.js'

/** What a search for people needs: what to look for, and which rows of each mapped table are theirs. */
export interface PersonSearch {
  /** How many people the lookups named. */
  subjects: number
  identifiers: Identifier[]
  /**
   * For each mapped table that holds their rows: an SQL condition over the
   * table's columns that picks those rows out, with its bound parameters.
   */
  rows: Map<string, {condition: string; params: unknown[]}>
}

/**
 * Finds the people named by the lookups, reads their distinctive identifiers
 * from the rows the data map ties to them, and says which rows those are.
 * The rows are found by walking the map's via edges; their keys travel as
 * bound parameters, so every connection of a pool can use the conditions.
 */
export async function findPeople(client: pg.ClientBase, map: DataMap, schema: SchemaInfo, lookups: SubjectLookup[]): Promise<PersonSearch> {
  const subjects = await resolveSubjects(client, map, lookups)
  const rootKeys = [...new Set(subjects.map(s => s.key))]
  const plan = planSubjectGraph(map, schema)
  const values = await collectParentValues(client, plan, rootKeys, map.subject.key)
  const identifiers = await readIdentifiers(client, {map, plan, values, rootKeys, lookups: subjects.map(s => s.lookup)})
  const rows = new Map<string, {condition: string; params: unknown[]}>()
  for (const table of plan.tables) {
    const selection = selectSubjectRows(table, values, rootKeys, map.subject.key)
    if (selection) rows.set(table.key, {condition: selection.where, params: selection.params})
  }
  return {subjects: subjects.length, identifiers, rows}
}

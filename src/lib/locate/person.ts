import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'
import {isPrivacyError} from '../errors.js'
import {planSubjectGraph} from '../subject/graph.js'
import {ROOT_KEYS_SETTING, SubjectRows, chooseSubjectRows} from '../subject/keyset.js'
import type {SubjectLookup} from '../subject/parse.js'
import {KindChoice, kindsOf, resolveSubjects, rootKeysSetting, useRootKeys} from '../subject/resolve.js'
import type {Identifier} from './identifiers.js'
import {readIdentifiers} from './values.js'

/** What a search for people needs: what to look for, and which rows of each mapped table are theirs. */
export interface PersonSearch {
  /** How many people the lookups named. */
  subjects: number
  identifiers: Identifier[]
  /** For each mapped table that holds their rows: an SQL condition over alias `t` that picks them out, and the WITH clause it needs. */
  rows: Map<string, {condition: string; with: string}>
  /** Session settings the conditions read (the people's root keys), to set on every connection that runs them. */
  settings: Record<string, string>
  /**
   * The conditions read temporary key sets of the client that found the
   * people (a map whose references form a cycle cannot be followed inline):
   * search on that client, in its transaction, rather than on a pool.
   */
  onThisClientOnly: boolean
}

async function choose(client: pg.ClientBase, map: DataMap, schema: SchemaInfo, kinds: string[]): Promise<SubjectRows> {
  const plan = planSubjectGraph(map, schema, kinds)
  try {
    return await chooseSubjectRows(client, plan, schema, {mode: 'inline'})
  } catch (error) {
    if (!isPrivacyError(error) || error.code !== 'cycle_on_follower') throw error
    return chooseSubjectRows(client, plan, schema, {mode: 'temporary', name: 'locate_'})
  }
}

/**
 * Finds the people named by the lookups, reads their distinctive identifiers
 * from the rows the data map ties to them, and says how to recognise those
 * rows from any connection: inline key sets read the root keys from a
 * setting, so the conditions hold no key and client memory stays flat.
 * Runs inside the caller's transaction on `client`.
 */
export async function findPeople(
  client: pg.ClientBase,
  map: DataMap,
  schema: SchemaInfo,
  lookups: SubjectLookup[],
  kinds: KindChoice = {},
): Promise<PersonSearch> {
  const subjects = await resolveSubjects(client, map, lookups, schema, kinds)
  const people = await useRootKeys(client, subjects)
  const rows = await choose(client, map, schema, kindsOf(map, subjects))
  const identifiers = await readIdentifiers(client, {map, rows, lookups: subjects.map(s => s.lookup)})
  const linked = new Map([...rows.sets.keys()].map(key => [key, {condition: rows.belongs(key, 't'), with: rows.prefix([key])}]))
  return {subjects: people, identifiers, rows: linked, settings: {[ROOT_KEYS_SETTING]: rootKeysSetting(subjects)}, onThisClientOnly: rows.mode === 'temporary'}
}

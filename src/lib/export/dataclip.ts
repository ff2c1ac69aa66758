import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import type {DataMap} from '../datamap/schema.js'
import {quoteIdent, quoteLiteral, quoteTable} from '../db/sql.js'
import {PlannedTable, SubjectPlan, planSubjectGraph} from '../subject/graph.js'
import type {SubjectLookup} from '../subject/parse.js'
import {resolveSubjects} from '../subject/resolve.js'

export interface DataclipQuery {
  table: string
  sql: string
  omitted: string[]
}

/**
 * One self-contained SELECT per table that reproduces the export, for pasting
 * into Heroku Dataclips (which take no parameters, so the lookup values are
 * written in as quoted literals). Other people's identifiers and credentials
 * are left out rather than pseudonymised.
 */
export function dataclipQueries(map: DataMap, plan: SubjectPlan, lookups: SubjectLookup[]): DataclipQuery[] {
  const byKey = new Map(plan.tables.map(t => [t.key, t]))
  const rootCondition = [...new Set(lookups.map(l => l.column))]
    .map(column => {
      const values = lookups.filter(l => l.column === column).map(l => quoteLiteral(l.value))
      return `${quoteIdent(column)} IN (${values.join(', ')})`
    })
    .join(' OR ')

  const condition = (table: PlannedTable, visiting: Set<string>, alias: string): string | undefined => {
    if (table.level === 0) return rootCondition
    const edges = table.edges.flatMap(edge => {
      const parent = byKey.get(edge.parent)
      const inner = parent && !visiting.has(parent.key) ? condition(parent, new Set([...visiting, parent.key]), `${alias}p`) : undefined
      return parent && inner ? [{edge, parent, inner}] : []
    })
    // One edge is a semi-join; several are OR-ed, which Postgres cannot join, so each looks its parent up by key instead of rescanning it per row.
    const parts = edges.map(({edge, parent, inner}) =>
      edge.columns.length > 1
        ? `(${edge.columns.map(quoteIdent).join(', ')}) IN (SELECT ${edge.parentColumns.map(quoteIdent).join(', ')} FROM ${quoteTable(parent.table)} ${alias}p WHERE ${inner})`
        : edges.length === 1
          ? `${quoteIdent(edge.column)} IN (SELECT ${quoteIdent(edge.parentColumn)} FROM ${quoteTable(parent.table)} ${alias}p WHERE ${inner})`
          : `EXISTS (SELECT FROM ${quoteTable(parent.table)} ${alias}p WHERE ${alias}p.${quoteIdent(edge.parentColumn)} = ${alias}.${quoteIdent(edge.column)} AND (${inner}))`,
    )
    return parts.length === 0 ? undefined : parts.join(' OR ')
  }

  return plan.tables.flatMap(table => {
    const where = condition(table, new Set([table.key]), 't')
    if (!where) return []
    const specs = map.tables[table.key]?.columns ?? {}
    const omitted = table.table.columns.map(c => c.name).filter(c => specs[c]?.category === 'credentials' || (table.spec.third_party ?? []).includes(c))
    const columns = table.table.columns.map(c => c.name).filter(c => !omitted.includes(c))
    return [{table: table.key, sql: `SELECT ${columns.map(c => quoteIdent(c)).join(', ')}\nFROM ${quoteTable(table.table)} t\nWHERE ${where};`, omitted}]
  })
}

/** Checks the map and the people against the database, then writes the queries. */
export async function buildDataclips(input: {pool: pg.Pool; mapFile: string; subjects: SubjectLookup[]}): Promise<DataclipQuery[]> {
  const client = await input.pool.connect()
  try {
    const {loaded, schema} = await loadMapForDatabase(input.mapFile, client)
    await resolveSubjects(client, loaded.map, input.subjects, schema)
    return dataclipQueries(loaded.map, planSubjectGraph(loaded.map, schema), input.subjects)
  } finally {
    client.release()
  }
}

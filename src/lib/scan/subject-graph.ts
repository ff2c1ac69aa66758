import type {SchemaInfo, TableInfo} from '../db/introspect.js'
import type {Edge} from '../datamap/schema.js'
import {PrivacyError} from '../errors.js'
import type {ColumnFinding} from './classify.js'

const ROOT_NAMES = /^(users?|accounts?|customers?|members?|people|persons?|clients?|contacts?|patients?|employees?|subscribers?|profiles?)$/i

export interface Reach {
  depth: number
  edges: Edge[]
}

const isData = (t: TableInfo) => t.kind === 'table' || t.kind === 'partitioned'

/**
 * Picks the table with one row per person when it is obvious: a people-like
 * name, a single-column primary key, email-like values, and many foreign keys
 * pointing at it.
 */
export function guessSubjectTable(schema: SchemaInfo, findings: Map<string, ColumnFinding[]>): TableInfo {
  const inbound = new Map<string, number>()
  for (const table of schema.tables.values()) {
    for (const fk of table.foreignKeys) if (fk.references !== table.key) inbound.set(fk.references, (inbound.get(fk.references) ?? 0) + 1)
  }
  const scored = [...schema.tables.values()].filter(t => isData(t) && t.primaryKey.length === 1).map(table => {
    const hasEmail = (findings.get(table.key) ?? []).some(f => f.holdsEmails || (f.category === 'contact' && /mail/i.test(f.column)))
    const score = (ROOT_NAMES.test(table.name) ? 3 : 0) + (hasEmail ? 2 : 0) + Math.min(3, (inbound.get(table.key) ?? 0) * 0.5)
    return {table, score}
  }).sort((a, b) => b.score - a.score)
  const best = scored[0]
  if (!best || best.score < 3 || (scored[1] && scored[1].score === best.score)) {
    throw new PrivacyError('Could not tell which table holds one row per person. Name it with --subject-table SCHEMA.TABLE.', {code: 'subject_unknown', exitCode: 2})
  }
  return best.table
}

/**
 * Walks foreign keys outward from the root, level by level: a table is
 * reached through its foreign keys to tables reached at the lowest level.
 * Visited tables are never revisited, so cycles end.
 */
export function reachByForeignKeys(schema: SchemaInfo, reached: Map<string, Reach>): Map<string, Reach> {
  let frontier = Math.max(...[...reached.values()].map(r => r.depth))
  let grew = true
  while (grew) {
    grew = false
    for (const table of schema.tables.values()) {
      if (!isData(table) || reached.has(table.key)) continue
      const candidates = table.foreignKeys
        .filter(fk => fk.columns.length === 1 && fk.references !== table.key && reached.has(fk.references))
        .map(fk => ({fk, depth: reached.get(fk.references)!.depth}))
      if (candidates.length === 0) continue
      const depth = Math.min(...candidates.map(c => c.depth))
      if (depth > frontier) continue
      const nearest = candidates.filter(c => c.depth === depth)
      reached.set(table.key, {
        depth: depth + 1,
        edges: nearest.map(({fk}) => ({
          column: fk.columns[0]!,
          to: `${fk.references}.${fk.referencedColumns[0]}`,
          ...(nearest.length > 1 ? {role: fk.columns[0]!.replace(/_id$/i, '')} : {}),
        })),
      })
      grew = true
    }
    if (!grew && [...reached.values()].some(r => r.depth > frontier)) {
      frontier++
      grew = true
    }
  }
  return reached
}

import {ForeignKeyInfo, SchemaInfo, TableInfo, isUniqueColumn} from '../db/introspect.js'
import type {Edge} from '../datamap/schema.js'
import {columnRef} from '../db/sql.js'
import {PrivacyError} from '../errors.js'
import type {ColumnFinding} from './classify.js'
import type {TableContext} from './table-context.js'
import {nameConcepts, nameWords} from './tokens.js'

export interface Reach {
  depth: number
  edges: Edge[]
}

const isData = (t: TableInfo) => t.kind === 'table' || t.kind === 'partitioned'

/** Words naming the people who sign in to an application, rather than the people it keeps records about. */
const SIGN_IN_WORDS = new Set(['user', 'users', 'usuario', 'benutzer', 'nutzer', 'utilisateur', 'member', 'members', 'login', 'logins'])

export interface SubjectCandidate {
  table: TableInfo
  score: number
  reasons: string[]
}

/**
 * Scores every table of people as the subject: the app's own users (a
 * sign-in word in the name, a password, e-mail addresses, many tables
 * pointing at it) before the people it keeps records about (contacts,
 * customers); a table whose key is a foreign key to another table of people
 * is a role of that person (a user who is a person), not the person.
 */
export function rankSubjectTables(schema: SchemaInfo, findings: Map<string, ColumnFinding[]>, contexts: Map<string, TableContext>): SubjectCandidate[] {
  const inbound = new Map<string, number>()
  for (const table of schema.tables.values()) {
    for (const fk of table.foreignKeys) if (fk.references !== table.key) inbound.set(fk.references, (inbound.get(fk.references) ?? 0) + 1)
  }
  const isPersonTable = (key: string) => contexts.get(key)?.kind === 'person'
  const holdsEmails = (table: TableInfo) =>
    (findings.get(table.key) ?? []).filter(f => f.holdsEmails || (f.category === 'contact' && nameConcepts(f.column).includes('email')))
  // Without a table of people by name or columns, a table with one row per e-mail address (not an organisation's) is the people.
  const anyPersonTable = [...schema.tables.values()].some(t => isData(t) && t.primaryKey.length === 1 && isPersonTable(t.key))
  const byEmailAlone = (table: TableInfo) =>
    !anyPersonTable &&
    !['organisation', 'health'].includes(contexts.get(table.key)?.kind ?? '') &&
    !contexts.get(table.key)?.isMachine &&
    holdsEmails(table).some(f => isUniqueColumn(table, f.column))
  const candidates: SubjectCandidate[] = []
  for (const table of schema.tables.values()) {
    if (!isData(table) || table.primaryKey.length !== 1 || !(isPersonTable(table.key) || byEmailAlone(table))) continue
    const reasons: string[] = []
    let score = 2
    const words = nameWords(table.name)
    const tableFindings = findings.get(table.key) ?? []
    if (words.some(w => SIGN_IN_WORDS.has(w))) {
      score += 3
      reasons.push('named for users')
    }
    if (tableFindings.some(f => f.category === 'credentials' && nameConcepts(f.column).some(c => c === 'password' || c === 'hash' || c === 'encrypted'))) {
      score += 3
      reasons.push('holds passwords')
    }
    const emails = holdsEmails(table)
    if (emails.length > 0) {
      score += 1
      reasons.push('holds e-mail addresses')
      if (emails.some(f => isUniqueColumn(table, f.column))) {
        score += 1
        reasons.push('one row per e-mail address')
      }
    }
    const pointing = inbound.get(table.key) ?? 0
    score += Math.min(3, pointing * 0.25)
    if (pointing > 0) reasons.push(`${pointing} foreign keys point at it`)
    const roleOf = table.foreignKeys.find(
      fk => fk.columns.length === 1 && fk.columns[0] === table.primaryKey[0] && isPersonTable(fk.references) && fk.references !== table.key,
    )
    if (roleOf) {
      score -= 6
      reasons.push(`its key is a ${roleOf.references} (a role of that person)`)
    }
    candidates.push({table, score, reasons})
  }
  for (const candidate of candidates) {
    const roles = candidates.filter(c => c.reasons.some(r => r.startsWith(`its key is a ${candidate.table.key} `)))
    if (roles.length > 0) {
      candidate.score += 2 + Math.max(...roles.map(r => r.score + 6)) / 2
      candidate.reasons.push(`other tables of people are roles of it (${roles.map(r => r.table.key).join(', ')})`)
    }
  }
  return candidates.sort((a, b) => b.score - a.score || (inbound.get(b.table.key) ?? 0) - (inbound.get(a.table.key) ?? 0))
}

/** The table with one row per person, when one stands out; a PrivacyError naming the candidates otherwise. */
export function guessSubjectTable(schema: SchemaInfo, findings: Map<string, ColumnFinding[]>, contexts: Map<string, TableContext>): TableInfo {
  const ranked = rankSubjectTables(schema, findings, contexts)
  const [best, second] = ranked
  if (!best || best.score < 4 || (second && second.score === best.score)) {
    const named = ranked
      .slice(0, 3)
      .map(c => c.table.key)
      .join(', ')
    throw new PrivacyError(
      `Could not tell which table holds one row per person${named ? ` (candidates: ${named})` : ''}. Name it with --subject-table SCHEMA.TABLE.`,
      {code: 'subject_unknown', exitCode: 2},
    )
  }
  return best.table
}

const roleOf = (edge: Edge) =>
  nameWords(Array.isArray(edge.column) ? edge.column.at(-1)! : edge.column)
    .filter(w => !['id', 'ids', 'uuid'].includes(w))
    .join('_') || 'reference'

/** A foreign key as a `via` edge: one column, or all of a composite key. */
function edgeOfForeignKey(fk: ForeignKeyInfo): Edge {
  if (fk.columns.length === 1) return {column: fk.columns[0]!, to: columnRef(fk.references, fk.referencedColumns[0]!)}
  return {column: [...fk.columns], to: fk.referencedColumns.map(c => columnRef(fk.references, c))}
}

/** Several edges to a person each say which role they stand for (sender, recipient). */
export function nameRoles(reach: Reach): void {
  if (reach.edges.length < 2) return
  for (const edge of reach.edges) if (!edge.role) edge.role = roleOf(edge)
}

/**
 * The tables of people the root's own rows point at (a user's account, a
 * member's person record): they belong to the same person, so they are
 * reached from the root through the root's foreign key, the other way round.
 */
export function satellitesOf(root: TableInfo, contexts: Map<string, TableContext>): Map<string, Reach> {
  const satellites = new Map<string, Reach>()
  for (const fk of root.foreignKeys) {
    if (fk.references === root.key || fk.columns.length !== 1 || contexts.get(fk.references)?.kind !== 'person') continue
    satellites.set(fk.references, {depth: 1, edges: [{column: fk.referencedColumns[0]!, to: columnRef(root.key, fk.columns[0]!)}]})
  }
  return satellites
}

/**
 * Walks foreign keys outward from the reached tables, level by level: a
 * table is reached through its foreign keys (single or composite) to the
 * tables reached at the lowest level. Visited tables are never revisited, so
 * cycles end.
 */
export function reachByForeignKeys(schema: SchemaInfo, reached: Map<string, Reach>): Map<string, Reach> {
  const deepest = () => Math.max(...[...reached.values()].map(r => r.depth))
  for (let frontier = 0; frontier <= deepest(); frontier++) {
    for (let grew = true; grew;) {
      grew = false
      for (const table of schema.tables.values()) {
        if (!isData(table) || reached.has(table.key)) continue
        const nearest = table.foreignKeys.filter(fk => fk.references !== table.key && reached.get(fk.references)?.depth === frontier)
        if (nearest.length === 0) continue
        const reach: Reach = {depth: frontier + 1, edges: nearest.map(edgeOfForeignKey)}
        nameRoles(reach)
        reached.set(table.key, reach)
        grew = true
      }
    }
  }
  return reached
}

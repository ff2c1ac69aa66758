import type {DataMap, TableMap} from '../datamap/schema.js'
import {ForeignKeyInfo, SchemaInfo, TableInfo, hiddenByRowSecurity} from '../db/introspect.js'
import {PrivacyError, refused} from '../errors.js'
import type {PlannedTable, SubjectPlan} from '../subject/graph.js'

/**
 * The pure part of planning an erasure: which tables change and how, what
 * is skipped and why, how references into deleted rows are settled, in which
 * order tables are deleted, and what is refused. No database here: the
 * counts it needs are measured by the caller.
 */

export type TableAction = 'delete' | 'anonymize'

export interface ChosenTables {
  erased: Array<{table: PlannedTable; action: TableAction}>
  skipped: Array<{table: string; reason: string}>
}

export function actionOf(spec: TableMap): TableAction {
  return spec.erase ?? 'delete'
}

/** Which of the person's tables this erasure changes. Connect tables wait for --include-connect. */
export function chooseTables(plan: SubjectPlan, options: {includeConnect: boolean; only?: Set<string>}): ChosenTables {
  const chosen: ChosenTables = {erased: [], skipped: []}
  for (const table of plan.tables) {
    if (options.only && !options.only.has(table.key)) continue
    if (table.spec.connect && !options.includeConnect) {
      chosen.skipped.push({table: table.key, reason: 'Heroku Connect table: changes sync back to Salesforce; erase there, or pass --include-connect'})
    } else {
      chosen.erased.push({table, action: actionOf(table.spec)})
    }
  }
  return chosen
}

/** An erasure must see every row of the person's: row-level security the role does not bypass refuses it. */
export function refuseHiddenRows(tables: TableInfo[]): void {
  const hidden = hiddenByRowSecurity(tables)
  if (hidden.length > 0) {
    throw refused(
      'row_security',
      `Row-level security hides rows of ${hidden.join(', ')} from this role, so the erasure could not see all of the person's rows; run it as the tables' owner or a role with BYPASSRLS. Nothing was changed.`,
    )
  }
}

/** What the role lacks to run the erasure: DELETE on deleted tables, UPDATE on anonymised ones and on references it clears. */
export function missingPrivileges(writes: Array<{table: TableInfo; privilege: 'DELETE' | 'UPDATE'}>): string[] {
  const missing = new Set<string>()
  for (const {table, privilege} of writes) {
    const allowed = privilege === 'DELETE' ? table.canDelete : table.canUpdate
    if (!allowed) missing.add(`${privilege} on ${table.key}`)
  }
  return [...missing].sort()
}

/** A foreign key into rows that will be deleted, with the rows it points from. */
export interface ReferenceFacts {
  referencing: TableInfo
  fk: ForeignKeyInfo
  parent: PlannedTable
  /** The referencing table is one of the person's tables: kept by this erasure (anonymised or skipped), deleted, or the parent itself. */
  own?: PlannedTable
  /** The referencing table is deleted too, children first: its own rows are gone before the parent's, and only the others stay. */
  ownRowsGo?: boolean
  ownRows: number
  otherRows: number
  /** Other people's rows among them under a legal hold, or another restriction. */
  protectedRows?: {held: number; restricted: number}
}

export type ReferenceSettlement =
  {kind: 'none'} | {kind: 'cascade'; note: string} | {kind: 'reset-by-database'; note: string} | {kind: 'unlink'; column: string}

/**
 * How a reference into deleted rows is settled so the delete can go on, or
 * why it cannot: other people's rows are never changed unless the column
 * names the person (a third-party column, or a pointer to the person's own
 * root row).
 */
export function settleReference(map: DataMap, facts: ReferenceFacts, options: {changeRestricted?: boolean} = {}): ReferenceSettlement {
  const {fk, referencing, parent} = facts
  const staying = facts.ownRowsGo ? facts.otherRows : facts.ownRows + facts.otherRows
  if (staying === 0) return {kind: 'none'}
  const guarded = facts.protectedRows ?? {held: 0, restricted: 0}
  if (guarded.held > 0) {
    throw blocked(
      `${guarded.held} row(s) of ${referencing.key} under a legal hold point at ${parent.key} rows this erasure deletes (${fk.name}); clearing that link would change held data. Lift the hold first, or set tables.${parent.key}.erase to anonymize.`,
    )
  }
  if (guarded.restricted > 0 && !options.changeRestricted) {
    throw refused(
      'restricted_shared',
      `${guarded.restricted} row(s) of ${referencing.key} under someone else's restriction point at ${parent.key} rows this erasure deletes (${fk.name}); lift the restriction first.`,
    )
  }
  const column = fk.columns[0]!
  const name = `${referencing.key}.${column}`
  const thirdParty = facts.own?.spec.third_party ?? map.tables[referencing.key]?.third_party ?? []
  const pointsAtPerson = parent.level === 0 || thirdParty.includes(column)
  if (fk.columns.length > 1) {
    throw blocked(
      `${parent.key} rows are referenced through the composite foreign key ${fk.name} of ${referencing.key}; erase those rows too, or set ${parent.key} to erase: anonymize.`,
    )
  }
  if (facts.otherRows > 0 && !pointsAtPerson) {
    throw blocked(
      `Deleting ${parent.key} rows would ${fk.onDelete === 'cascade' ? 'delete' : 'change'} ${facts.otherRows} row(s) of other people in ${referencing.key} (${fk.name}); set tables.${parent.key}.erase to anonymize in the map, or map ${referencing.key} to the subject.`,
    )
  }
  // The person's rows of a table the map keeps are unlinked like any other kept row: a cascade would delete what the map keeps.
  const keepsOwnRows = facts.own !== undefined && facts.own.key !== parent.key && !facts.ownRowsGo
  if (fk.onDelete === 'cascade' && !keepsOwnRows) {
    if (facts.otherRows > 0)
      throw blocked(
        `Deleting ${parent.key} rows would cascade to ${facts.otherRows} row(s) of other people in ${referencing.key} (${fk.name}); set tables.${parent.key}.erase to anonymize.`,
      )
    return {kind: 'cascade', note: `${facts.ownRows} row(s) of ${referencing.key} go with ${parent.key} (ON DELETE CASCADE)`}
  }
  if (fk.onDelete === 'set null' || fk.onDelete === 'set default') {
    return {kind: 'reset-by-database', note: `${name} is reset by ON DELETE ${fk.onDelete.toUpperCase()} in ${staying} row(s)`}
  }
  if (!referencing.columns.find(c => c.name === column)!.isNullable) {
    throw blocked(
      `${name} is NOT NULL and its rows are kept, so the ${parent.key} rows it points at cannot be deleted; set tables.${parent.key}.erase to anonymize, or erase ${referencing.key} rows with delete.`,
    )
  }
  return {kind: 'unlink', column}
}

export interface DeletionEdge {
  from: string
  to: string
  fk: ForeignKeyInfo
}

export interface DeletionOrder {
  order: string[]
  /** Edges set to NULL before any delete, to break a cycle. */
  nulled: DeletionEdge[]
  /** Constraints deferred to the end of the transaction, to break a cycle. */
  deferred: string[]
  notes: string[]
}

/**
 * Children before parents. A cycle is broken at a nullable edge (nulled
 * first) or, failing that, at a deferrable constraint; otherwise the erasure
 * is refused.
 */
export function deletionOrder(tables: string[], edges: DeletionEdge[], schema: SchemaInfo): DeletionOrder {
  const result: DeletionOrder = {order: [], nulled: [], deferred: [], notes: []}
  // A row pointing at a row of its own table (a reply to a reply) goes in the same statement, which Postgres checks as a whole.
  let active = edges.filter(e => e.from !== e.to)
  const remaining = new Set(tables)
  while (remaining.size > 0) {
    const ready = [...remaining].filter(t => !active.some(e => e.to === t && remaining.has(e.from))).sort()
    if (ready.length > 0) {
      for (const t of ready) {
        result.order.push(t)
        remaining.delete(t)
      }
      continue
    }
    const inCycle = active.filter(e => remaining.has(e.from) && remaining.has(e.to))
    const nullable = inCycle.find(e => e.fk.columns.length === 1 && schema.tables.get(e.from)!.columns.find(c => c.name === e.fk.columns[0])!.isNullable)
    const broken = nullable ?? inCycle.find(e => e.fk.isDeferrable)
    if (!broken) {
      throw blocked(
        `The tables ${[...remaining].sort().join(', ')} reference each other through NOT NULL, non-deferrable foreign keys, so their rows cannot be deleted in any order; make one of those constraints DEFERRABLE, or set one table to erase: anonymize.`,
      )
    }
    if (broken === nullable) {
      result.nulled.push(broken)
      result.notes.push(`cycle ${broken.from} ⇄ ${broken.to} broken by nulling ${broken.from}.${broken.fk.columns[0]} first`)
    } else {
      result.deferred.push(broken.fk.name)
    }
    active = active.filter(e => e !== broken)
  }
  return result
}

export function blocked(message: string): PrivacyError {
  return refused('erase_blocked', message)
}

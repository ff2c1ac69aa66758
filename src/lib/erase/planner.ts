import type {TableInfo} from '../db/introspect.js'
import {primaryKeyText, quoteIdent} from '../db/sql.js'
import {refused} from '../errors.js'
import {restrictedRowCondition} from '../restrict/registry-sql.js'
import type {PlannedTable} from '../subject/graph.js'
import {sameRow, tableSource} from '../subject/keyset.js'
import {DeletionEdge, ReferenceFacts, chooseTables, deletionOrder, missingPrivileges, refuseHiddenRows, settleReference} from './decide.js'
import {ErasurePlan, ErasureStep, Exclusions, PlanInput, countRows, exclusions} from './plan.js'
import {referenceColumnProblems} from './reference-columns.js'
import {anonymizeStep, deleteStep, nullEdgeStep, referencedValues, referencingSource, restrictedSharedSteps, unlinkStep} from './steps.js'
import {unindexedReferences} from './unindexed.js'

/**
 * Orders the erasure so foreign keys never fail, from rows chosen once by key
 * before anything changes: references to deleted rows are cleared first
 * where the map allows (the person's own kept rows, or other people's
 * pointers to the person), anonymised tables are updated, then tables are
 * deleted children before parents. Anything that would touch another
 * person's data, rows hidden from the role, or rows the role may not change
 * is refused before a single write.
 */
export async function planErasure(input: PlanInput): Promise<ErasurePlan> {
  const {client, map, schema, rows} = input
  const result: ErasurePlan = {steps: [], held: {}, restrictedShared: [], skipped: [], deferred: [], notes: [], unindexed: [], leftAlone: () => 'false'}
  const chosen = chooseTables(rows.plan, {includeConnect: input.includeConnect, only: input.only})
  result.skipped.push(...chosen.skipped)

  const referenceProblems = referenceColumnProblems(map, schema)
  if (referenceProblems.length > 0) {
    throw refused(
      'reference_strategy',
      `The map would change the values that tie rows to people (${referenceProblems.join('; ')}); a changed reference can hand a row to someone else. Use erase: delete for the table, or leave those columns alone.`,
    )
  }
  refuseHiddenRows(chosen.erased.map(e => e.table.table))

  const counts = await rows.counts(client)
  const erased = chosen.erased.filter(e => (counts.get(e.table.key) ?? 0) > 0)
  const exclusionsOf = new Map(erased.map(e => [e.table.key, exclusions(input, e.table)]))
  result.leftAlone = (table, alias) => {
    const ex = exclusionsOf.get(table)
    return ex ? `(${ex.held(alias)} OR ${ex.restrictedForOthers(alias)})` : 'false'
  }
  await checkHoldsAndRestrictions(
    input,
    result,
    erased.map(e => e.table),
    exclusionsOf,
  )

  const deleted = new Map(erased.filter(e => e.action === 'delete').map(e => [e.table.key, e.table]))
  const kept = new Map(rows.plan.tables.filter(t => !deleted.has(t.key)).map(t => [t.key, t]))
  const edgesBetweenDeleted: DeletionEdge[] = []
  const writes: Array<{table: TableInfo; privilege: 'DELETE' | 'UPDATE'}> = []
  const unlinks: ErasureStep[] = []
  for (const referencing of schema.tables.values()) {
    for (const fk of referencing.foreignKeys) {
      const parent = deleted.get(fk.references)
      if (!parent) continue
      // A deleted child goes first, but only with the person's rows: other people's rows in it that point here are settled too.
      const childDeleted = deleted.has(referencing.key) && referencing.key !== parent.key
      if (childDeleted) edgesBetweenDeleted.push({from: referencing.key, to: parent.key, fk})
      // A table pointing at itself (replies, referrals): the person's own rows go in one statement, other people's pointers are settled.
      const own = referencing.key === parent.key ? parent : (deleted.get(referencing.key) ?? kept.get(referencing.key))
      const going = childDeleted ? exclusionsOf.get(referencing.key)! : undefined
      const facts = await referenceFacts(input, referencing, fk, parent, own, exclusionsOf.get(parent.key)!, going)
      const settlement = settleReference(map, facts, {changeRestricted: input.unlinkRestrictedShared})
      if (settlement.kind === 'cascade' || settlement.kind === 'reset-by-database') result.notes.push(settlement.note)
      if (settlement.kind === 'reset-by-database') writes.push({table: referencing, privilege: 'UPDATE'})
      if (settlement.kind === 'unlink') {
        unlinks.push(unlinkStep(input, referencing, settlement.column, parent, exclusionsOf.get(parent.key)!, facts.ownRows + facts.otherRows))
        writes.push({table: referencing, privilege: 'UPDATE'})
      }
    }
  }

  const anonymizations: ErasureStep[] = []
  for (const {table} of erased.filter(e => e.action === 'anonymize')) {
    const step = anonymizeStep(
      input,
      table,
      exclusionsOf.get(table.key)!,
      counts.get(table.key)! - (result.held[table.key] ?? 0) - sharedRows(result, table.key),
    )
    if (step) {
      anonymizations.push(step)
      writes.push({table: table.table, privilege: 'UPDATE'})
    }
  }

  const order = deletionOrder([...deleted.keys()], edgesBetweenDeleted, schema)
  result.deferred.push(...order.deferred)
  result.notes.push(...order.notes)
  const cycleBreaks: ErasureStep[] = []
  for (const edge of order.nulled) {
    const table = deleted.get(edge.from)!
    cycleBreaks.push(
      await nullEdgeStep(
        input,
        table,
        edge.fk.columns[0]!,
        exclusionsOf.get(table.key)!,
        `set ${edge.fk.columns[0]} to NULL to break the cycle with ${edge.to}`,
      ),
    )
  }
  const deletions = order.order.map(key => {
    const table = deleted.get(key)!
    writes.push({table: table.table, privilege: 'DELETE'})
    return deleteStep(input, table, exclusionsOf.get(key)!, counts.get(key)! - (result.held[key] ?? 0) - sharedRows(result, key))
  })
  const sharedLinks = await restrictedSharedSteps(input, result, exclusionsOf)
  for (const step of sharedLinks) writes.push({table: schema.tables.get(step.table)!, privilege: 'UPDATE'})

  const missing = missingPrivileges(writes)
  if (missing.length > 0) {
    throw refused(
      'permission_denied',
      `This role may not change the tables the erasure must change: it lacks ${missing.join(', ')}. Grant those privileges, or run the erasure as a role that has them; nothing was changed.`,
    )
  }
  result.steps = [...cycleBreaks, ...unlinks, ...sharedLinks, ...anonymizations, ...deletions]
  result.unindexed = unindexedReferences(schema, new Map(deletions.map(s => [s.table, s.rows])))
  return result
}

function sharedRows(plan: ErasurePlan, table: string): number {
  return plan.restrictedShared.find(s => s.table === table)?.rows ?? 0
}

/** Legal holds refuse unless --except-held; rows in someone else's restriction refuse unless --unlink-restricted-shared. */
async function checkHoldsAndRestrictions(input: PlanInput, result: ErasurePlan, tables: PlannedTable[], exclusionsOf: Map<string, Exclusions>): Promise<void> {
  if (!input.hasRegistry) return
  for (const table of tables) {
    const set = input.rows.sets.get(table.key)!
    const ex = exclusionsOf.get(table.key)!
    const from = `FROM ${set.from} t JOIN ${set.relation} k ON ${sameRow(set, 't', 'k')}`
    const held = await countRows(input.client, `SELECT count(*) ${from} WHERE ${ex.held('t')}`)
    if (held > 0) result.held[table.key] = held
    const {rows: shared} = await input.client.query<{rows: string; restrictions: string[]}>(
      `SELECT count(*) AS rows, coalesce(array_agg(DISTINCT x.id), '{}') AS restrictions ${from}
       JOIN heroku_privacy.restricted_rows r ON r.table_name = $1 AND r.pk = ${primaryKeyText(table.table, 't')}
       JOIN heroku_privacy.restrictions x ON x.id = r.restriction_id
       WHERE NOT ${ex.held('t')} AND ${ex.restrictedForOthers('t')} AND x.lifted_at IS NULL AND NOT x.legal_hold`,
      [table.key],
    )
    if (Number(shared[0]!.rows) > 0)
      result.restrictedShared.push({table: table.key, rows: Number(shared[0]!.rows), restrictions: shared[0]!.restrictions.sort()})
  }
  if (Object.keys(result.held).length > 0 && !input.exceptHeld) {
    const list = Object.entries(result.held)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')
    throw refused('legal_hold', `Rows under a legal hold cannot be erased (${list}); lift the hold first when the claim is settled (privacy:restrict:lift).`, {
      details: result.held,
    })
  }
  if (result.restrictedShared.length > 0 && !input.unlinkRestrictedShared) {
    const ids = [...new Set(result.restrictedShared.flatMap(s => s.restrictions))].sort()
    const list = result.restrictedShared.map(s => `${s.table} ${s.rows}`).join(', ')
    throw refused(
      'restricted_shared',
      `Some of the person's rows are shared with someone whose data is restricted (${ids.join(', ')}: ${list}); erasing them would change that person's restricted data. Lift the restriction first.`,
      {details: result.restrictedShared},
    )
  }
}

/**
 * Rows of a table referencing the deleted rows: the person's own (in their
 * key set) and everyone else's. When the referencing table is deleted too
 * (`going`: its exclusions), its own rows under a legal hold stay, and count
 * as such; those it shares with a restricted person are unlinked by their
 * own steps.
 */
async function referenceFacts(
  input: PlanInput,
  referencing: TableInfo,
  fk: ReferenceFacts['fk'],
  parent: PlannedTable,
  own: PlannedTable | undefined,
  parentEx: Exclusions,
  going?: Exclusions,
): Promise<ReferenceFacts> {
  const parentSet = input.rows.sets.get(parent.key)!
  // A composite key points at a row by all its columns together: rows sharing only the first (a tenant) are not counted.
  const target = referencedValues(parentSet, fk.referencedColumns, parentEx)
  const source = own ? tableSource(referencing, key => input.rows.sets.has(key)) : referencingSource(referencing)
  const belongs = own ? input.rows.belongs(own.key, 'c') : 'false'
  const mine = going ? `(${belongs} AND NOT ${going.held('c')})` : belongs
  const registered = input.hasRegistry && referencing.primaryKey.length > 0
  const held = registered ? restrictedRowCondition(referencing.key, primaryKeyText(referencing, 'c'), {holdsOnly: true}) : 'false'
  const restricted = registered ? restrictedRowCondition(referencing.key, primaryKeyText(referencing, 'c')) : 'false'
  const {
    rows: [row],
  } = await input.client.query<{own: string; others: string; held: string; restricted: string}>(
    `SELECT count(*) FILTER (WHERE ${mine}) AS own, count(*) FILTER (WHERE NOT (${mine})) AS others,
            count(*) FILTER (WHERE NOT (${mine}) AND ${held}) AS held, count(*) FILTER (WHERE NOT (${mine}) AND ${restricted}) AS restricted
     FROM ${source} c WHERE ${columnTuple('c', fk.columns)} IN ${target}`,
  )
  return {
    referencing,
    fk,
    parent,
    own,
    ownRowsGo: going !== undefined,
    ownRows: Number(row!.own),
    otherRows: Number(row!.others),
    protectedRows: {held: Number(row!.held), restricted: Number(row!.restricted) - Number(row!.held)},
  }
}

/** `(alias.a, alias.b)`: a foreign key's columns as one row value, which compares as the key does. */
const columnTuple = (alias: string, columns: string[]) => `(${columns.map(column => `${alias}.${quoteIdent(column)}`).join(', ')})`

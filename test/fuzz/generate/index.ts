import type {FuzzCase, ReviewerEdit, TableModel} from '../model.js'
import {tableKeyOf} from '../model.js'
import {makePeople} from '../people.js'
import {Random} from '../random.js'
import {BuildContext} from './context.js'
import {buildAudit, buildMemberships, buildOrganisations, buildSubscribers} from './extras.js'
import {buildChildOf, buildOwned, buildResponsesTo} from './owned.js'
import {buildRoot} from './root.js'
import {buildFriendships, buildMessages} from './shared.js'

type Builder = (ctx: BuildContext) => unknown

const BUILDERS: Builder[] = [
  buildOwned,
  buildOwned,
  buildOwned,
  buildOwned,
  ctx => {
    const parents = ctx.tables.filter(t => t.kind === 'owned' && t.primaryKey.length === 1)
    return parents.length > 0 ? buildChildOf(ctx, ctx.rng.pick(parents)) : undefined
  },
  buildMessages,
  buildFriendships,
  buildOrganisations,
  buildSubscribers,
  buildMemberships,
]

/**
 * The case for a seed: 3 to 8 tables around a person table, 3 to 6 people,
 * the person (or two) to erase, maybe a restriction on someone else, and
 * sometimes a reviewer's change to the scanned map.
 */
export function generateCase(seed: number): FuzzCase {
  const rng = new Random(seed)
  const people = makePeople(rng, rng.int(3, 6))
  const ctx = new BuildContext(rng, people)
  buildRoot(ctx)
  const withAudit = rng.chance(0.35)
  const target = rng.int(3, 8) - (withAudit ? 1 : 0)
  for (let attempt = 0; ctx.tables.length < target && attempt < 40; attempt++) {
    const before = ctx.tables.length
    rng.pick(BUILDERS)(ctx)
    if (ctx.tables.length > target) ctx.tables.splice(target)
    if (ctx.tables.length > before) dropDanglingReferences(ctx.tables)
  }
  const audit = withAudit ? buildAudit(ctx) : undefined
  const order = rng.shuffle(people.map((_, i) => i))
  const erase = rng.chance(0.4) ? order.slice(0, 2) : order.slice(0, 1)
  const rest = order.slice(erase.length)
  const restricted =
    rest.length > 0 && rng.chance(0.25) ? {person: sharingWith(ctx.tables, erase[0]!, rest) ?? rest[0]!, legalHold: rng.chance(0.4)} : undefined
  const lookupByEmail = rng.chance(0.5)
  const edits = reviewerEdits(ctx)
  // Drawn last, so every case generated before this choice existed stays as it was.
  const restrict = restricted && !restricted.legalHold && rng.chance(0.5) ? {...restricted, unlinkShared: true} : restricted
  // Later still: other people's responses to one of the person's tables.
  const parents = ctx.tables.filter(t => t.kind === 'owned' && t.primaryKey.length === 1 && t.rows.length > 0)
  if (parents.length > 0 && rng.chance(0.3)) buildResponsesTo(ctx, rng.pick(parents))
  return {
    seed,
    root: tableKeyOf(ctx.root),
    rootKey: ctx.rootKey.name,
    rootEmail: ctx.root.columns[1]!.name,
    people,
    tables: ctx.tables,
    ...(audit ? {audit} : {}),
    erase,
    ...(restrict ? {restrict} : {}),
    lookupByEmail,
    reviewerEdits: edits,
  }
}

/** Memberships come as two tables; when only one fits, the other's foreign keys go. */
function dropDanglingReferences(tables: TableModel[]): void {
  const keys = new Set(tables.map(t => tableKeyOf(t)))
  for (const table of tables) table.foreignKeys = table.foreignKeys.filter(fk => keys.has(fk.references))
}

/** Someone who shares a row with `person`, so a restriction on them meets the erasure. */
function sharingWith(tables: TableModel[], person: number, candidates: number[]): number | undefined {
  for (const table of tables) {
    for (const row of table.rows) {
      if (row.owners.includes(person)) {
        const other = row.owners.find(o => o !== person && candidates.includes(o))
        if (other !== undefined) return other
      }
    }
  }
  return undefined
}

/**
 * What a reviewer might change beyond confirming references: link a table
 * the scan could not reach (sign-ups keyed by email) as its note asks, or
 * keep a table's rows (anonymise instead of delete) and hash, fake or redact
 * one of its text columns, or the column that names the person, as if the
 * reference itself were the personal data.
 */
function reviewerEdits(ctx: BuildContext): ReviewerEdit[] {
  const {rng} = ctx
  const edits: ReviewerEdit[] = []
  const subscribers = ctx.tables.find(t => t.kind === 'subscribers')
  if (subscribers && rng.chance(0.5))
    edits.push({
      kind: 'add-via',
      table: tableKeyOf(subscribers),
      column: subscribers.personColumns![0]!,
      to: `${tableKeyOf(ctx.root)}.${ctx.root.columns[1]!.name}`,
    })
  return rng.chance(0.2) ? [...edits, ...strategyEdits(ctx)] : edits
}

function strategyEdits(ctx: BuildContext): ReviewerEdit[] {
  const {rng} = ctx
  const candidates = ctx.tables.filter(t => t !== ctx.root && (t.personColumns ?? []).length > 0)
  if (candidates.length === 0) return []
  const table = rng.pick(candidates)
  // Half the time the reviewer sets a strategy on a text column of the person's data, which the erasure must carry out;
  // otherwise on the column naming the person, which it must refuse (a changed reference hands a row to someone else).
  const data = table.columns.filter(c => c.type === 'text' && !c.generated && !table.personColumns!.includes(c.name) && !table.primaryKey.includes(c.name))
  const column = data.length > 0 && rng.chance(0.5) ? rng.pick(data).name : rng.pick(table.personColumns!)
  const type = table.columns.find(c => c.name === column)!.type
  const erase = rng.pick(type === 'text' ? (['hash', 'fake', 'redact'] as const) : (['fake', 'redact'] as const))
  return [
    {kind: 'table-strategy', table: tableKeyOf(table), erase: 'anonymize'},
    {kind: 'column-strategy', table: tableKeyOf(table), column, category: 'identity', erase},
  ]
}

import type {Json, RowModel, TableModel} from '../model.js'
import type {BuildContext} from './context.js'
import {ColumnKit, pickKits, uniqueIndexFor} from './kits.js'
import {quoted} from './naming.js'
import {mention} from './values.js'

const OWNED_KINDS = ['orders', 'invoices', 'payments', 'addresses', 'devices', 'sessions', 'notes', 'posts', 'tickets', 'page_views', 'support_requests']

/**
 * A table of rows about one person each. The reference to the person is a
 * foreign key (nullable or not; NO ACTION, CASCADE or SET NULL; sometimes
 * deferrable), or an id column without a foreign key, or an email address.
 * The key is a single id, composite (person, n), or missing.
 */
export function buildOwned(ctx: BuildContext): TableModel | undefined {
  const {rng, people} = ctx
  const table = ctx.newTable(rng.sample(OWNED_KINDS, 3), 'owned', rng.chance(0.15) ? 'billing' : 'public')
  if (!table) return undefined
  const mode = rng.pick(['fk', 'fk', 'fk', 'id', 'email'] as const)
  const ref = ctx.col(
    table,
    mode === 'email'
      ? rng.pick(['customer_email', 'requester_email', 'contact_email'])
      : rng.pick(['user_id', 'owner_id', 'customer_id', 'account_id', 'member_id']),
  )
  const notNull = rng.chance(mode === 'fk' ? 0.5 : 0.3)
  const shape = rng.pick(['id', 'id', 'id', 'composite', 'none'] as const)
  const keyShape = shape === 'composite' && !notNull ? 'id' : shape
  const id = ctx.col(table, 'id')
  const seq = ctx.col(table, 'n')
  if (keyShape === 'id') table.columns.push({name: id, type: rng.pick(['int4', 'int8']), notNull: true})
  table.columns.push({name: ref, type: mode === 'email' ? 'text' : ctx.rootKey.type, notNull})
  if (keyShape === 'composite') table.columns.push({name: seq, type: 'int4', notNull: true})
  table.personColumns = [ref]
  table.primaryKey = keyShape === 'id' ? [id] : keyShape === 'composite' ? [ref, seq] : []
  const kits = pickKits(ctx, table)
  table.columns.push(...kits.map(k => k.column))
  if (mode === 'fk') {
    const onDelete = rng.pick(notNull ? (['no action', 'cascade'] as const) : (['no action', 'cascade', 'set null'] as const))
    ctx.foreignKey(table, [ref], ctx.root, [ctx.rootKey.name], onDelete, rng.chance(0.1))
  }
  const unique = kits.find(k => k.unique)
  if (unique) uniqueIndexFor(ctx, table, unique.column.name, ref)

  let n = 0
  const row = (owner: number | undefined, refValue: Json): RowModel => {
    n++
    const person = owner === undefined ? undefined : people[owner]
    const other = owner === undefined ? undefined : ctx.other(owner)
    return {
      owners: owner === undefined ? [] : [owner],
      values: {
        ...(keyShape === 'id' ? {[id]: n} : {}),
        [ref]: refValue,
        ...(keyShape === 'composite' ? {[seq]: n} : {}),
        ...fill(kits, person, other === undefined ? undefined : people[other], n),
      },
    }
  }
  people.forEach((person, i) => {
    for (let k = rng.pick([0, 1, 1, 2, 3]); k > 0; k--) table.rows.push(row(i, mode === 'email' ? person.email : ctx.keyValue(person)))
  })
  if (!notNull && rng.chance(0.3)) table.rows.push(row(undefined, null))
  if (mode === 'email' && rng.chance(0.4)) table.rows.push(row(undefined, `visitor${rng.int(1, 99)}@elsewhere-fz.test`))
  if (keyShape === 'id' && rng.chance(0.2)) addReplies(ctx, table, id)
  // Postgres allows a unique index on a partitioned table only over the partition key.
  if (keyShape === 'id' && rng.chance(0.12) && !table.indexes.some(i => i.unique)) table.partitions = 2
  const text = kits.find(k => k.column.type === 'text' && !k.unique && k.column.name !== ctx.col(table, 'status'))
  if (text && rng.chance(0.2)) {
    table.columns.push({
      name: ctx.col(table, 'search_text'),
      type: 'text',
      notNull: false,
      generated: {expression: `lower(${quoted(text.column.name)})`, dependsOn: [text.column.name]},
    })
  }
  return ctx.add(table)
}

/** A self-reference: a row that answers an earlier row, often someone else's (a reply to another person's post). */
function addReplies(ctx: BuildContext, table: TableModel, id: string): void {
  const column = ctx.col(table, 'in_reply_to_id')
  const key = table.columns.find(c => c.name === id)!
  table.columns.push({name: column, type: key.type, notNull: false})
  ctx.foreignKey(table, [column], table, [id], ctx.rng.pick(['no action', 'cascade', 'set null'] as const))
  table.rows.forEach((row, i) => {
    row.values[column] = i > 0 && ctx.rng.chance(0.4) ? table.rows[ctx.rng.int(0, i - 1)]!.values[id]! : null
  })
}

function fill(
  kits: ColumnKit[],
  owner: BuildContext['people'][number] | undefined,
  other: BuildContext['people'][number] | undefined,
  n: number,
): Record<string, Json> {
  return Object.fromEntries(kits.map(k => [k.column.name, k.value(owner, other, n)]))
}

/** A foreign key from `column` to the parent's single-column key: CASCADE or NO ACTION, or SET NULL where the column may be NULL. */
function referenceParent(ctx: BuildContext, table: TableModel, column: string, parent: TableModel, notNull: boolean): void {
  const onDelete = ctx.rng.pick(notNull ? (['cascade', 'no action'] as const) : (['cascade', 'no action', 'set null'] as const))
  ctx.foreignKey(table, [column], parent, [parent.primaryKey[0]!], onDelete)
}

/** Rows under another table's rows (order items under orders), about the same people, by foreign key or by a bare id. */
export function buildChildOf(ctx: BuildContext, parent: TableModel): TableModel | undefined {
  const {rng} = ctx
  if (parent.primaryKey.length !== 1) return undefined
  const parentKey = parent.columns.find(c => c.name === parent.primaryKey[0])!
  const table = ctx.newTable(rng.sample(['line_items', 'attachments', 'replies', 'entries'], 2), 'child', parent.schema)
  if (!table) return undefined
  const id = ctx.col(table, 'id')
  const ref = ctx.col(table, rng.pick(['parent_id', 'record_id', 'item_id']))
  const notNull = rng.chance(0.4)
  const text = ctx.col(table, rng.pick(['note', 'caption']))
  const hasKey = rng.chance(0.85)
  if (hasKey) table.columns.push({name: id, type: 'int4', notNull: true})
  table.columns.push(
    {name: ref, type: parentKey.type, notNull},
    {name: text, type: 'text', notNull: false},
    {name: ctx.col(table, 'qty'), type: 'int4', notNull: false},
  )
  table.primaryKey = hasKey ? [id] : []
  if (rng.chance(0.8)) referenceParent(ctx, table, ref, parent, notNull)
  let n = 0
  for (const parentRow of parent.rows) {
    for (let k = rng.pick([0, 1, 2]); k > 0; k--) {
      const owner = parentRow.owners[0]
      table.rows.push({
        owners: [...parentRow.owners],
        values: {
          ...(hasKey ? {[id]: ++n} : {}),
          [ref]: parentRow.values[parentKey.name]!,
          [text]: owner === undefined ? 'stock item' : mention(rng, ctx.people[owner]!),
          [ctx.col(table, 'qty')]: rng.int(1, 9),
        },
      })
    }
  }
  return table.rows.length > 0 || rng.chance(0.5) ? ctx.add(table) : undefined
}

/**
 * Rows anyone writes under someone's rows (comments on a post): each names
 * its writer, and points at a row that is often someone else's. Deleting a
 * person's rows must not take the others' responses with them.
 */
export function buildResponsesTo(ctx: BuildContext, parent: TableModel): TableModel | undefined {
  const {rng, people} = ctx
  if (parent.primaryKey.length !== 1) return undefined
  const parentKey = parent.columns.find(c => c.name === parent.primaryKey[0])!
  const table = ctx.newTable(['comments', 'reactions', 'reviews'], 'responses', parent.schema)
  if (!table) return undefined
  const id = ctx.col(table, 'id')
  const writer = ctx.col(table, rng.pick(['author_id', 'commenter_id']))
  const target = ctx.col(table, rng.pick(['post_id', 'target_id', 'subject_id']))
  const body = ctx.col(table, 'body')
  const targetNotNull = rng.chance(0.4)
  table.columns.push(
    {name: id, type: 'int4', notNull: true},
    {name: writer, type: ctx.rootKey.type, notNull: false},
    {name: target, type: parentKey.type, notNull: targetNotNull},
    {name: body, type: 'text', notNull: false},
  )
  table.primaryKey = [id]
  table.personColumns = [writer]
  ctx.foreignKey(table, [writer], ctx.root, [ctx.rootKey.name], rng.pick(['cascade', 'no action', 'set null'] as const))
  referenceParent(ctx, table, target, parent, targetNotNull)
  let n = 0
  for (const parentRow of parent.rows) {
    for (let k = rng.pick([0, 1, 2]); k > 0; k--) {
      const by = rng.int(0, people.length - 1)
      table.rows.push({
        owners: [by],
        values: {[id]: ++n, [writer]: ctx.keyValue(people[by]!), [target]: parentRow.values[parentKey.name]!, [body]: mention(rng, people[by]!)},
      })
    }
  }
  return ctx.add(table)
}

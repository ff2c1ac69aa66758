import type {TableModel} from '../model.js'
import type {BuildContext} from './context.js'
import {mention, timestamp} from './values.js'

/** Ordered pairs of distinct people, without repeats. */
function pairs(ctx: BuildContext, count: number, ordered: boolean): Array<[number, number]> {
  const all: Array<[number, number]> = []
  const n = ctx.people.length
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b && (ordered || a < b)) all.push([a, b])
  return ctx.rng.sample(all, count)
}

/** Messages between two people: two references to the person table, a body naming both, sometimes a copy list. */
export function buildMessages(ctx: BuildContext): TableModel | undefined {
  const {rng, people} = ctx
  const table = ctx.newTable(['messages', 'direct_messages', 'conversations'], 'messages')
  if (!table) return undefined
  const key = ctx.rootKey
  const id = ctx.col(table, 'id')
  const sender = ctx.col(table, rng.pick(['sender_id', 'from_user_id']))
  const recipient = ctx.col(table, rng.pick(['recipient_id', 'to_user_id']))
  const body = ctx.col(table, 'body')
  const cc = ctx.col(table, 'cc_emails')
  const withCc = rng.chance(0.4)
  const hasKey = rng.chance(0.85)
  const senderNotNull = rng.chance(0.5)
  if (hasKey) table.columns.push({name: id, type: 'int8', notNull: true})
  table.columns.push(
    {name: sender, type: key.type, notNull: senderNotNull},
    {name: recipient, type: key.type, notNull: false},
    {name: body, type: 'text', notNull: false},
  )
  if (withCc) table.columns.push({name: cc, type: 'text[]', notNull: false})
  table.columns.push({name: ctx.col(table, 'sent_at'), type: 'timestamptz', notNull: true})
  table.primaryKey = hasKey ? [id] : []
  table.personColumns = [sender, recipient]
  ctx.foreignKey(
    table,
    [sender],
    ctx.root,
    [key.name],
    rng.pick(senderNotNull ? (['no action', 'cascade'] as const) : (['no action', 'cascade', 'set null'] as const)),
  )
  ctx.foreignKey(table, [recipient], ctx.root, [key.name], rng.pick(['no action', 'cascade', 'set null'] as const))
  let n = 0
  for (const [a, b] of pairs(ctx, rng.int(2, 2 * people.length), true)) {
    const from = people[a]!
    const to = people[b]!
    table.rows.push({
      owners: [a, b],
      values: {
        ...(hasKey ? {[id]: ++n} : {}),
        [sender]: ctx.keyValue(from),
        [recipient]: ctx.keyValue(to),
        [body]: `Hi ${to.name.split(' ')[0]}, ${mention(rng, from, to)}`,
        ...(withCc ? {[cc]: [from.email, to.email]} : {}),
        [ctx.col(table, 'sent_at')]: timestamp(rng),
      },
    })
  }
  return ctx.add(table)
}

/** A friendship seen from either side: two references, the key often the pair itself. */
export function buildFriendships(ctx: BuildContext): TableModel | undefined {
  const {rng, people} = ctx
  const table = ctx.newTable(['friendships', 'follows', 'contacts_links'], 'friendships')
  if (!table) return undefined
  const key = ctx.rootKey
  const a = ctx.col(table, rng.pick(['user_a_id', 'requester_id']))
  const b = ctx.col(table, rng.pick(['user_b_id', 'addressee_id']))
  const id = ctx.col(table, 'id')
  const shape = rng.pick(['pair', 'pair', 'id', 'none'] as const)
  if (shape === 'id') table.columns.push({name: id, type: 'int4', notNull: true})
  table.columns.push(
    {name: a, type: key.type, notNull: true},
    {name: b, type: key.type, notNull: true},
    {name: ctx.col(table, 'since'), type: 'timestamptz', notNull: true},
  )
  table.personColumns = [a, b]
  table.primaryKey = shape === 'pair' ? [a, b] : shape === 'id' ? [id] : []
  const onDelete = rng.pick(['cascade', 'cascade', 'no action'] as const)
  ctx.foreignKey(table, [a], ctx.root, [key.name], onDelete)
  ctx.foreignKey(table, [b], ctx.root, [key.name], onDelete)
  let n = 0
  for (const [x, y] of pairs(ctx, rng.int(1, people.length + 1), false)) {
    const [first, second] = rng.chance(0.5) ? [x, y] : [y, x]
    table.rows.push({
      owners: [first, second],
      values: {
        ...(shape === 'id' ? {[id]: ++n} : {}),
        [a]: ctx.keyValue(people[first]!),
        [b]: ctx.keyValue(people[second]!),
        [ctx.col(table, 'since')]: timestamp(rng),
      },
    })
  }
  return ctx.add(table)
}

import type {AuditModel, Json, TableModel} from '../model.js'
import {tableKeyOf} from '../model.js'
import type {BuildContext} from './context.js'
import {timestamp} from './values.js'

/**
 * Organisations that people belong to, each owned by a person: the person
 * table points at it and it points back, a cycle of foreign keys.
 */
export function buildOrganisations(ctx: BuildContext): TableModel | undefined {
  const {rng, people, root} = ctx
  if (ctx.tables.some(t => t.kind === 'organisations')) return undefined
  const table = ctx.newTable(['organisations', 'teams', 'companies'], 'organisations')
  if (!table) return undefined
  const key = ctx.rootKey
  const id = ctx.col(table, 'id')
  const owner = ctx.col(table, rng.pick(['owner_id', 'admin_id']))
  const billing = ctx.col(table, 'billing_email')
  const withBilling = rng.chance(0.5)
  table.columns.push(
    {name: id, type: 'int4', notNull: true},
    {name: ctx.col(table, 'title'), type: 'text', notNull: true},
    {name: owner, type: key.type, notNull: false},
  )
  if (withBilling) table.columns.push({name: billing, type: 'text', notNull: false})
  table.primaryKey = [id]
  table.personColumns = [owner]
  ctx.foreignKey(table, [owner], root, [key.name], rng.pick(['set null', 'no action'] as const))
  const count = rng.int(1, Math.min(3, people.length))
  const owners = rng.sample(
    people.map((_, i) => i),
    count,
  )
  owners.forEach((o, i) => {
    table.rows.push({
      owners: [o],
      values: {
        [id]: i + 1,
        [ctx.col(table, 'title')]: `Workshop ${i + 1}`,
        [owner]: ctx.keyValue(people[o]!),
        ...(withBilling ? {[billing]: people[o]!.email} : {}),
      },
    })
  })
  const member = ctx.col(root, 'org_id')
  root.columns.push({name: member, type: 'int4', notNull: false})
  ctx.foreignKey(root, [member], table, [id], rng.pick(['set null', 'no action'] as const), rng.chance(0.2))
  for (const row of root.rows) row.values[member] = rng.chance(0.7) ? rng.int(1, count) : null
  return ctx.add(table)
}

/** Newsletter sign-ups keyed by the email address itself, some of them by people with no account. */
export function buildSubscribers(ctx: BuildContext): TableModel | undefined {
  const {rng, people} = ctx
  const table = ctx.newTable(['subscribers', 'newsletter_signups'], 'subscribers')
  if (!table) return undefined
  const email = ctx.col(table, 'email')
  const name = ctx.col(table, rng.pick(['name', 'first_name']))
  table.columns.push(
    {name: email, type: 'text', notNull: true},
    {name, type: 'text', notNull: false},
    {name: ctx.col(table, 'subscribed_at'), type: 'timestamptz', notNull: true},
  )
  table.personColumns = [email]
  if (rng.chance(0.75)) table.primaryKey = [email]
  else table.indexes.push({name: ctx.name('uq'), unique: true, columns: [email]})
  for (const [i, person] of people.entries()) {
    if (rng.chance(0.6)) table.rows.push({owners: [i], values: {[email]: person.email, [name]: person.name, [ctx.col(table, 'subscribed_at')]: timestamp(rng)}})
  }
  for (let k = rng.int(0, 2); k > 0; k--) {
    table.rows.push({
      owners: [],
      values: {[email]: `reader${k}.${rng.token(4)}@elsewhere-fz.test`, [name]: null, [ctx.col(table, 'subscribed_at')]: timestamp(rng)},
    })
  }
  return ctx.add(table)
}

/** Group memberships: a composite key of two foreign keys, one to people and one to a table with no personal data. */
export function buildMemberships(ctx: BuildContext): TableModel[] {
  const {rng, people} = ctx
  const groups = ctx.newTable(['groups', 'projects'], 'groups')
  const table = ctx.newTable(['memberships', 'group_members'], 'memberships')
  if (!groups || !table) return []
  const gid = ctx.col(groups, 'id')
  groups.columns.push({name: gid, type: 'int4', notNull: true}, {name: ctx.col(groups, 'title'), type: 'text', notNull: true})
  groups.primaryKey = [gid]
  const count = rng.int(1, 3)
  for (let i = 1; i <= count; i++) groups.rows.push({owners: [], values: {[gid]: i, [ctx.col(groups, 'title')]: `Group ${i}`}})
  const user = ctx.col(table, rng.pick(['user_id', 'member_id']))
  const group = ctx.col(table, 'group_id')
  table.columns.push(
    {name: user, type: ctx.rootKey.type, notNull: true},
    {name: group, type: 'int4', notNull: true},
    {name: ctx.col(table, 'role'), type: 'text', notNull: true},
  )
  table.primaryKey = rng.chance(0.5) ? [user, group] : [group, user]
  table.personColumns = [user]
  ctx.foreignKey(table, [user], ctx.root, [ctx.rootKey.name], rng.pick(['cascade', 'no action'] as const))
  ctx.foreignKey(table, [group], groups, [gid], 'cascade')
  for (const [i, person] of people.entries()) {
    for (const g of rng.sample(
      Array.from({length: count}, (_, k) => k + 1),
      rng.int(0, count),
    )) {
      table.rows.push({owners: [i], values: {[user]: ctx.keyValue(person), [group]: g, [ctx.col(table, 'role')]: rng.pick(['admin', 'member'])}})
    }
  }
  return [ctx.add(groups), ctx.add(table)]
}

/**
 * An audit table filled by a trigger with the old row of every UPDATE and
 * DELETE on some tables, and a few entries copied from them already.
 */
export function buildAudit(ctx: BuildContext): AuditModel | undefined {
  const {rng} = ctx
  const table = ctx.newTable(['audit_log', 'row_history'], 'audit')
  if (!table) return undefined
  const hasKey = rng.chance(0.7)
  const id = ctx.col(table, 'id')
  if (hasKey) table.columns.push({name: id, type: 'int8', notNull: true, identityStart: 1000})
  table.columns.push(
    {name: 'table_name', type: 'text', notNull: true},
    {name: 'op', type: 'text', notNull: true},
    {name: 'old_row', type: 'jsonb', notNull: false},
    {name: 'changed_at', type: 'timestamptz', notNull: true, defaultSql: 'now()'},
  )
  table.primaryKey = hasKey ? [id] : []
  const candidates = ctx.tables.filter(t => t.rows.length > 0)
  const watched = [
    ctx.root,
    ...rng.sample(
      candidates.filter(t => t !== ctx.root),
      rng.int(0, 2),
    ),
  ]
  let n = 0
  for (const source of rng.sample(candidates, 2)) {
    const row = rng.pick(source.rows)
    const copy: Record<string, Json> = {...row.values}
    table.rows.push({
      owners: [...row.owners],
      values: {...(hasKey ? {[id]: ++n} : {}), table_name: source.name, op: 'UPDATE', old_row: copy, changed_at: timestamp(rng)},
    })
  }
  ctx.add(table)
  return {table: tableKeyOf(table), watched: watched.map(t => tableKeyOf(t))}
}

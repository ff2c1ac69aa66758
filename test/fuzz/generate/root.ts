import type {ColumnModel, IndexModel, Json, TableModel} from '../model.js'
import type {BuildContext} from './context.js'
import {quoted} from './naming.js'
import {nestedJson, timestamp} from './values.js'

/**
 * The table with one row per person: a single-column key (integers that may
 * start at 0, or UUIDs), an email that is unique by constraint, by index, by
 * lower(email) index or not at all, a name (sometimes under a unique index),
 * and a random choice of phone, IP, external id, nested JSON, an array of
 * addresses, a generated column and a self-reference (who referred whom).
 */
export function buildRoot(ctx: BuildContext): TableModel {
  const {rng, people} = ctx
  const table = ctx.newTable(['users', 'accounts', 'customers', 'members', 'people'], 'root')!
  const keyType = rng.pick(['int4', 'int8', 'int8', 'uuid'])
  const start = rng.pick([0, 1, 1, 1, 1000])
  const keys = rng.shuffle(people.map((_, i) => start + i))
  people.forEach((person, i) => {
    person.key = keyType === 'uuid' ? rng.uuid() : String(keys[i])
  })
  const id = ctx.col(table, 'id')
  const email = ctx.col(table, rng.pick(['email', 'email', 'email_address']))
  const name = ctx.col(table, rng.pick(['full_name', 'display_name', 'name']))
  const columns: ColumnModel[] = [
    {name: id, type: keyType, notNull: true},
    {name: email, type: rng.pick(['text', 'text', 'varchar(120)']), notNull: rng.chance(0.7)},
    {name, type: 'text', notNull: rng.chance(0.5)},
  ]
  table.primaryKey = [id]
  const optional: Array<{column: ColumnModel; value: (i: number) => Json}> = []
  if (rng.chance(0.5))
    optional.push({column: {name: ctx.col(table, rng.pick(['phone', 'mobile', 'phone_number'])), type: 'text', notNull: false}, value: i => people[i]!.phone})
  if (rng.chance(0.5))
    optional.push({column: {name: ctx.col(table, rng.pick(['last_sign_in_ip', 'signup_ip'])), type: 'inet', notNull: false}, value: i => people[i]!.ip})
  if (rng.chance(0.4))
    optional.push({
      column: {name: ctx.col(table, rng.pick(['stripe_customer_id', 'external_ref'])), type: 'text', notNull: false},
      value: i => people[i]!.externalId,
    })
  if (rng.chance(0.4))
    optional.push({
      column: {name: ctx.col(table, rng.pick(['profile', 'preferences', 'metadata'])), type: 'jsonb', notNull: false},
      value: i => nestedJson(rng, people[i]!),
    })
  if (rng.chance(0.3))
    optional.push({
      column: {name: ctx.col(table, rng.pick(['other_emails', 'alternate_emails'])), type: 'text[]', notNull: false},
      value: i => [people[i]!.altEmail],
    })
  optional.push({column: {name: ctx.col(table, 'created_at'), type: 'timestamptz', notNull: true}, value: () => timestamp(rng)})
  columns.push(...optional.map(o => o.column))
  if (rng.chance(0.3)) {
    const lower = rng.chance(0.5)
    columns.push({
      name: ctx.col(table, lower ? 'search_name' : 'email_domain'),
      type: 'text',
      notNull: false,
      generated: lower ? {expression: `lower(${quoted(name)})`, dependsOn: [name]} : {expression: `split_part(${quoted(email)}, '@', 2)`, dependsOn: [email]},
    })
  }
  table.columns = columns
  table.indexes.push(...emailUniqueness(ctx, email))
  if (rng.chance(0.25)) table.indexes.push({name: ctx.name('uq'), unique: true, columns: [name]})
  table.rows = people.map((person, i) => ({
    owners: [i],
    values: {
      [id]: keyType === 'uuid' ? person.key : Number(person.key),
      [email]: person.email,
      [name]: person.name,
      ...Object.fromEntries(optional.map(o => [o.column.name, o.value(i)])),
    },
  }))
  ctx.add(table)
  if (rng.chance(0.4)) addReferrals(ctx, table)
  return table
}

function emailUniqueness(ctx: BuildContext, email: string): IndexModel[] {
  switch (ctx.rng.pick(['constraint', 'index', 'lower', 'none'])) {
    case 'constraint':
      return [{name: ctx.name('uq'), unique: true, columns: [email], constraint: true}]
    case 'index':
      return [{name: ctx.name('uq'), unique: true, columns: [email]}]
    case 'lower':
      return [{name: ctx.name('uq'), unique: true, columns: [email], lower: true}]
    default:
      return []
  }
}

/** A nullable self-reference: the person who referred this one. */
function addReferrals(ctx: BuildContext, table: TableModel): void {
  const key = ctx.rootKey
  const column = ctx.col(table, 'referred_by_id')
  table.columns.push({name: column, type: key.type, notNull: false})
  ctx.foreignKey(table, [column], table, [key.name], ctx.rng.pick(['set null', 'no action'] as const))
  for (const row of table.rows) {
    const self = row.owners[0]!
    const other = ctx.other(self)
    row.values[column] = other !== undefined && ctx.rng.chance(0.5) ? ctx.keyValue(ctx.people[other]!) : null
  }
}

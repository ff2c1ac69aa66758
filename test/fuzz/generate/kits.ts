import type {ColumnModel, Json, Person, TableModel} from '../model.js'
import type {BuildContext} from './context.js'
import {quoted} from './naming.js'
import {mention, nestedJson, timestamp} from './values.js'

/** A column and how to fill it for a row about `owner` (undefined for a row about nobody), possibly naming `other`. */
export interface ColumnKit {
  column: ColumnModel
  value: (owner: Person | undefined, other: Person | undefined, n: number) => Json
  /** The values are unique per row, so the column may carry a unique index. */
  unique?: boolean
}

/**
 * Columns a table about a person may carry: free text, phones, IPs, nested
 * JSON, arrays of addresses, unique nicknames and plain business columns.
 */
export function personalKits(ctx: BuildContext, table: TableModel): ColumnKit[] {
  const {rng} = ctx
  const col = (snake: string) => ctx.col(table, snake)
  const kits: ColumnKit[] = [
    {
      column: {name: col(rng.pick(['note', 'notes', 'body', 'comment', 'description'])), type: 'text', notNull: false},
      value: (o, other) => (o ? mention(rng, o, other) : 'general enquiry'),
    },
    {column: {name: col(rng.pick(['phone', 'contact_phone'])), type: 'text', notNull: false}, value: o => o?.phone ?? null},
    {column: {name: col(rng.pick(['ip_address', 'remote_ip'])), type: 'inet', notNull: false}, value: o => o?.ip ?? '192.0.2.1'},
    {
      column: {name: col(rng.pick(['payload', 'metadata', 'details'])), type: 'jsonb', notNull: false},
      value: (o, other) => (o ? nestedJson(rng, o, other) : {kind: 'system'}),
    },
    {
      column: {name: col(rng.pick(['cc_emails', 'notify_emails'])), type: 'text[]', notNull: false},
      value: (o, other) => (o ? [o.email, ...(rng.chance(0.5) ? [o.altEmail] : []), ...(other && rng.chance(0.3) ? [other.email] : [])] : []),
    },
    {
      column: {name: col(rng.pick(['nickname', 'display_name', 'shipping_name'])), type: 'text', notNull: rng.chance(0.3)},
      value: (o, _, n) => (o ? `${o.name} ${n}` : `nobody ${n}`),
      unique: true,
    },
    {column: {name: col('external_ref'), type: 'text', notNull: false}, value: o => o?.externalId ?? null},
  ]
  return kits
}

export function businessKits(ctx: BuildContext, table: TableModel): ColumnKit[] {
  const {rng} = ctx
  return [
    {column: {name: ctx.col(table, 'status'), type: 'text', notNull: true}, value: () => rng.pick(['open', 'paid', 'closed'])},
    {column: {name: ctx.col(table, 'total'), type: 'numeric(10,2)', notNull: false}, value: () => rng.int(100, 99_999) / 100},
    {column: {name: ctx.col(table, 'created_at'), type: 'timestamptz', notNull: true}, value: () => timestamp(rng)},
  ]
}

/** A few personal columns (at least one) and some business ones. */
export function pickKits(ctx: BuildContext, table: TableModel): ColumnKit[] {
  const personal = ctx.rng.sample(personalKits(ctx, table), ctx.rng.int(1, 4))
  const business = ctx.rng.sample(businessKits(ctx, table), ctx.rng.int(0, 2))
  return [...personal, ...business]
}

/** A unique index over a kit's unique column: plain, partial, or together with another column. */
export function uniqueIndexFor(ctx: BuildContext, table: TableModel, column: string, partner?: string): void {
  const shape = ctx.rng.pick(['plain', 'plain', 'partial', 'composite'])
  if (shape === 'composite' && partner) table.indexes.push({name: ctx.name('uq'), unique: true, columns: [partner, column]})
  else if (shape === 'partial') table.indexes.push({name: ctx.name('uq'), unique: true, columns: [column], where: `${quoted(column)} IS NOT NULL`})
  else table.indexes.push({name: ctx.name('uq'), unique: true, columns: [column]})
}

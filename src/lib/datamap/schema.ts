import {z} from 'zod'

import {parseColumnRef, splitQualifiedName} from '../db/sql.js'

/** The categories of personal data a column can hold (`none` for columns that hold none). */
export const CATEGORIES = [
  'identity', 'contact', 'online_id', 'location', 'financial', 'government_id',
  'health', 'biometric', 'credentials', 'free_text', 'behavioral', 'none',
] as const

/** Art. 9 special categories and payment/government identifiers: these need Shield-grade hosting. */
export const SENSITIVE_CATEGORIES: ReadonlySet<Category> = new Set(['financial', 'government_id', 'health', 'biometric'])

export const COLUMN_STRATEGIES = ['null', 'redact', 'hash', 'fake', 'keep'] as const
export const TABLE_STRATEGIES = ['delete', 'anonymize'] as const
export const LEGAL_BASES = ['legal_obligation', 'legal_claim', 'contract', 'vital_interests', 'public_task', 'legitimate_interests', 'consent', 'third_party'] as const

export const DURATION = /^(\d+)\s*(day|week|month|year)s?$/

/** `schema.table`, each part bare or double-quoted (`"my schema"."odd.table"`). */
const qualifiedTable = z.string().refine(text => (splitQualifiedName(text)?.length ?? 0) >= 2, 'must be schema.table (quote a part that has a dot, a quote or a space: "my schema"."odd.table")')
/** `schema.table.column`, each part bare or double-quoted. */
const columnRefText = z.string().refine(text => parseColumnRef(text) !== undefined, 'must be schema.table.column (quote a part that has a dot, a quote or a space)')

const column = z.strictObject({
  category: z.enum(CATEGORIES),
  erase: z.enum(COLUMN_STRATEGIES).optional(),
  basis: z.enum(LEGAL_BASES).optional(),
  /** JSON keys to erase inside a json/jsonb column. */
  keys: z.array(z.string()).optional(),
  note: z.string().optional(),
}).refine(c => c.erase !== 'keep' || c.basis !== undefined, {message: 'erase: keep needs a basis (why the law lets you keep it)', path: ['basis']})

const edge = z.strictObject({
  /** One column, or several for a composite reference (then `to` lists as many columns of one table, in order). */
  column: z.union([z.string(), z.array(z.string()).min(2)]),
  to: z.union([columnRefText, z.array(columnRefText).min(2)]),
  role: z.string().optional(),
  /** Found by looking at values, not declared by a foreign key: a person should confirm it and remove this flag. */
  proposed: z.boolean().optional(),
}).refine(e => (Array.isArray(e.column) ? e.column.length : 1) === (Array.isArray(e.to) ? e.to.length : 1), {message: 'column and to must name as many columns each', path: ['to']})
  .refine(e => !Array.isArray(e.to) || new Set(e.to.map(t => parseColumnRef(t)?.table)).size === 1, {message: 'a composite reference points at one table', path: ['to']})

const table = z.strictObject({
  via: z.union([edge, z.array(edge).min(1)]).optional(),
  erase: z.enum(TABLE_STRATEGIES).optional(),
  columns: z.record(z.string(), column).optional(),
  hold: z.strictObject({reason: z.string(), basis: z.enum(LEGAL_BASES)}).optional(),
  retention: z.strictObject({
    column: z.string(),
    after: z.string().regex(DURATION, 'must be a duration such as "30 days", "18 months" or "2 years"'),
    action: z.enum(TABLE_STRATEGIES),
  }).optional(),
  third_party: z.array(z.string()).optional(),
  connect: z.boolean().optional(),
  note: z.string().optional(),
})

export const dataMapSchema = z.strictObject({
  version: z.literal(1),
  /** Where the app's personal data must stay, for privacy:check (e.g. `eu`). */
  region: z.string().optional(),
  subject: z.strictObject({
    table: qualifiedTable,
    key: z.string(),
    lookup: z.array(z.string()).min(1),
  }),
  tables: z.record(qualifiedTable, table),
  exclude: z.array(qualifiedTable).optional(),
})

export type Category = (typeof CATEGORIES)[number]
export type DataMap = z.infer<typeof dataMapSchema>
export type TableMap = z.infer<typeof table>
export type ColumnMap = z.infer<typeof column>
export type Edge = z.infer<typeof edge>

export function edgesOf(table: TableMap): Edge[] {
  if (!table.via) return []
  return Array.isArray(table.via) ? table.via : [table.via]
}

/** `schema.table.column` split into its table key and column. */
export function splitColumnRef(ref: string): {table: string; column: string} {
  const parsed = parseColumnRef(ref)
  if (parsed) return parsed
  const dot = ref.lastIndexOf('.')
  return {table: ref.slice(0, dot), column: ref.slice(dot + 1)}
}

/** The columns of an edge, one or several. */
export function edgeColumns(edge: Edge): string[] {
  return Array.isArray(edge.column) ? edge.column : [edge.column]
}

/** The table an edge points at and its columns there, in the order of `edgeColumns`. */
export function edgeTarget(edge: Edge): {table: string; columns: string[]} {
  const refs = (Array.isArray(edge.to) ? edge.to : [edge.to]).map(splitColumnRef)
  return {table: refs[0]!.table, columns: refs.map(r => r.column)}
}

import {z} from 'zod'

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

const qualifiedTable = z.string().regex(/^[^.\s]+\.[^.\s]+$/, 'must be schema.table')

const column = z.strictObject({
  category: z.enum(CATEGORIES),
  // YAML reads a bare `erase: null` as no value at all; it means the strategy.
  erase: z.preprocess(value => (value === null ? 'null' : value), z.enum(COLUMN_STRATEGIES)).optional(),
  basis: z.enum(LEGAL_BASES).optional(),
  /** Keys to erase inside a json/jsonb column: a name (at any depth) or a path such as `contact.email` (see json-keys.ts). */
  keys: z.array(z.string()).optional(),
  note: z.string().optional(),
})

const edge = z.strictObject({
  column: z.string(),
  to: z.string().regex(/^[^.\s]+\.[^.\s]+\.[^.\s]+$/, 'must be schema.table.column'),
  role: z.string().optional(),
  /** Found by looking at values, not declared by a foreign key: a person should confirm it and remove this flag. */
  proposed: z.boolean().optional(),
})

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
  const dot = ref.lastIndexOf('.')
  return {table: ref.slice(0, dot), column: ref.slice(dot + 1)}
}

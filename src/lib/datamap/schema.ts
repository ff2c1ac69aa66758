import {z} from 'zod'

import {LAWS, controllerSchema, localized, processingSchema, purposeSchema, recipientSchema} from './processing-schema.js'

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
  erase: z.enum(COLUMN_STRATEGIES).optional(),
  basis: z.enum(LEGAL_BASES).optional(),
  /** JSON keys to erase inside a json/jsonb column. */
  keys: z.array(z.string()).optional(),
  /** What the column is called for a person reading their export (`Sfid` → "Salesforce record id"). */
  label: localized.optional(),
  note: z.string().optional(),
}).refine(c => c.erase !== 'keep' || c.basis !== undefined, {message: 'erase: keep needs a basis (why the law lets you keep it)', path: ['basis']})

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
  /** What the table is called for a person reading their export. */
  label: localized.optional(),
  /** Why and how the table is processed (Art. 15(1), Art. 30). */
  processing: processingSchema.optional(),
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
  /** The law whose deadlines requests follow unless privacy:requests:open says otherwise (default gdpr). */
  law: z.enum(LAWS).optional(),
  /** Who decides why and how the data is processed, and where a person can complain. */
  controller: controllerSchema.optional(),
  /** The kinds of people the map's data is about (customers, prospects, …), for the record of processing. */
  data_subjects: z.array(z.string().min(1)).optional(),
  /** Why the data is processed, each with its legal basis; tables name them by id. */
  purposes: z.record(z.string(), purposeSchema).optional(),
  /** Who receives the data (processors and third parties); tables name them by id. */
  recipients: z.record(z.string(), recipientSchema).optional(),
}).superRefine((map, ctx) => {
  // Tables name purposes and recipients by id: each id must be defined at the top of the map.
  for (const [key, spec] of Object.entries(map.tables)) {
    const processing = spec.processing
    if (!processing) continue
    const blocks = [{path: ['tables', key, 'processing'], facts: processing}, ...(processing.groups ?? []).map((group, i) => ({path: ['tables', key, 'processing', 'groups', i], facts: group}))]
    for (const {path, facts} of blocks) {
      for (const [field, known] of [['purposes', map.purposes], ['recipients', map.recipients]] as const) {
        for (const [i, id] of (facts[field] ?? []).entries()) {
          if (known?.[id] !== undefined) continue
          const defined = Object.keys(known ?? {})
          ctx.addIssue({code: 'custom', path: [...path, field, i], message: `${field.slice(0, -1)} ${id} is not defined under ${field}:${defined.length > 0 ? ` the map defines ${defined.join(', ')}` : ' add it at the top of the map'}`})
        }
      }
    }
    for (const [i, group] of (processing.groups ?? []).entries()) {
      for (const [j, column] of group.columns.entries()) {
        if (spec.columns?.[column] === undefined) ctx.addIssue({code: 'custom', path: ['tables', key, 'processing', 'groups', i, 'columns', j], message: `column ${column} is not listed under ${key}'s columns`})
      }
    }
  }
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

import {z} from 'zod'

import {parseColumnRef, parseTableName, splitQualifiedName} from '../db/sql.js'
import {LAWS, controllerSchema, localized, processingSchema, purposeSchema, recipientSchema} from './processing-schema.js'

/** The categories of personal data a column can hold (`none` for columns that hold none). */
export const CATEGORIES = [
  'identity',
  'contact',
  'online_id',
  'location',
  'financial',
  'government_id',
  'health',
  'biometric',
  'credentials',
  'free_text',
  'behavioral',
  'none',
] as const

/** Art. 9 special categories and payment/government identifiers: these need Shield-grade hosting. */
export const SENSITIVE_CATEGORIES: ReadonlySet<Category> = new Set(['financial', 'government_id', 'health', 'biometric'])

export const COLUMN_STRATEGIES = ['null', 'redact', 'hash', 'fake', 'keep'] as const
export const TABLE_STRATEGIES = ['delete', 'anonymize'] as const
export const LEGAL_BASES = [
  'legal_obligation',
  'legal_claim',
  'contract',
  'vital_interests',
  'public_task',
  'legitimate_interests',
  'consent',
  'third_party',
] as const

export const DURATION = /^(\d+)\s*(day|week|month|year)s?$/

/** `schema.table`, each part bare or double-quoted (`"my schema"."odd.table"`). */
const qualifiedTable = z
  .string()
  .refine(
    text => (splitQualifiedName(text)?.length ?? 0) >= 2,
    'must be schema.table (quote a part that has a dot, a quote or a space: "my schema"."odd.table")',
  )
/** `schema.table.column`, each part bare or double-quoted. */
const columnRefText = z
  .string()
  .refine(text => parseColumnRef(text) !== undefined, 'must be schema.table.column (quote a part that has a dot, a quote or a space)')

const column = z.strictObject({
  category: z.enum(CATEGORIES),
  // YAML reads a bare `erase: null` as no value at all; it means the strategy.
  erase: z.preprocess(value => (value === null ? 'null' : value), z.enum(COLUMN_STRATEGIES)).optional(),
  basis: z.enum(LEGAL_BASES).optional(),
  /** Keys to erase inside a json/jsonb column: a name (at any depth) or a path such as `contact.email` (see json-keys.ts). */
  keys: z.array(z.string()).optional(),
  /** What the column is called for a person reading their export (`Sfid` → "Salesforce record id"). */
  label: localized.optional(),
  note: z.string().optional(),
})

const kindName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case name such as user or contact')

const edge = z
  .strictObject({
    /** One column, or several for a composite reference (then `to` lists as many columns of one table, in order). */
    column: z.union([z.string(), z.array(z.string()).min(2)]),
    to: z.union([columnRefText, z.array(columnRefText).min(2)]),
    role: z.string().optional(),
    /** The kind of person this edge reaches, when the table is reached by several kinds and the edge is one kind's only. */
    kind: kindName.optional(),
    /** Found by looking at values, not declared by a foreign key: a person should confirm it and remove this flag. */
    proposed: z.boolean().optional(),
  })
  .refine(e => (Array.isArray(e.column) ? e.column.length : 1) === (Array.isArray(e.to) ? e.to.length : 1), {
    message: 'column and to must name as many columns each',
    path: ['to'],
  })
  .refine(e => !Array.isArray(e.to) || new Set(e.to.map(t => parseColumnRef(t)?.table)).size === 1, {
    message: 'a composite reference points at one table',
    path: ['to'],
  })

const table = z.strictObject({
  via: z.union([edge, z.array(edge).min(1)]).optional(),
  erase: z.enum(TABLE_STRATEGIES).optional(),
  columns: z.record(z.string(), column).optional(),
  hold: z.strictObject({reason: z.string(), basis: z.enum(LEGAL_BASES)}).optional(),
  retention: z
    .strictObject({
      column: z.string(),
      after: z.string().regex(DURATION, 'must be a duration such as "30 days", "18 months" or "2 years"'),
      action: z.enum(TABLE_STRATEGIES),
    })
    .optional(),
  third_party: z.array(z.string()).optional(),
  connect: z.boolean().optional(),
  /** What the table is called for a person reading their export. */
  label: localized.optional(),
  /** Why and how the table is processed (Art. 15(1), Art. 30). */
  processing: processingSchema.optional(),
  note: z.string().optional(),
})

const subjectKind = z.strictObject({
  table: qualifiedTable,
  key: z.string(),
  lookup: z.array(z.string()).min(1),
})

export const dataMapSchema = z
  .strictObject({
    version: z.literal(1),
    /** Where the app's personal data must stay, for privacy:check (e.g. `eu`). */
    region: z.string().optional(),
    /** The one kind of person (maps written before kinds existed). */
    subject: subjectKind.optional(),
    /** Each kind of person the app holds (its staff users, the contacts they collect…): the table with one row per person. */
    subjects: z.record(kindName, subjectKind).optional(),
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
  })
  .superRefine((map, ctx) => {
    if ((map.subject === undefined) === (map.subjects === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: map.subject ? ['subjects'] : [],
        message: 'name the people with either subject: (one kind) or subjects: (several kinds), not both',
      })
    } else if (map.subjects && Object.keys(map.subjects).length === 0) {
      ctx.addIssue({code: 'custom', path: ['subjects'], message: 'needs at least one kind of person'})
    }
    // Tables name purposes and recipients by id: each id must be defined at the top of the map.
    for (const [key, spec] of Object.entries(map.tables)) {
      const processing = spec.processing
      if (!processing) continue
      const blocks = [
        {path: ['tables', key, 'processing'], facts: processing},
        ...(processing.groups ?? []).map((group, i) => ({path: ['tables', key, 'processing', 'groups', i], facts: group})),
      ]
      for (const {path, facts} of blocks) {
        for (const [field, known] of [
          ['purposes', map.purposes],
          ['recipients', map.recipients],
        ] as const) {
          for (const [i, id] of (facts[field] ?? []).entries()) {
            if (known?.[id] !== undefined) continue
            const defined = Object.keys(known ?? {})
            ctx.addIssue({
              code: 'custom',
              path: [...path, field, i],
              message: `${field.slice(0, -1)} ${id} is not defined under ${field}:${defined.length > 0 ? ` the map defines ${defined.join(', ')}` : ' add it at the top of the map'}`,
            })
          }
        }
      }
      for (const [i, group] of (processing.groups ?? []).entries()) {
        for (const [j, column] of group.columns.entries()) {
          if (spec.columns?.[column] === undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['tables', key, 'processing', 'groups', i, 'columns', j],
              message: `column ${column} is not listed under ${key}'s columns`,
            })
        }
      }
    }
  })

export type Category = (typeof CATEGORIES)[number]
export type DataMap = z.infer<typeof dataMapSchema>
export type TableMap = z.infer<typeof table>
export type ColumnMap = z.infer<typeof column>
export type Edge = z.infer<typeof edge>

/** One kind of person: the table holding one row per person, its key, and the columns a request may name them by. */
export interface SubjectKind {
  name: string
  table: string
  key: string
  lookup: string[]
}

/** The kind name a single `subject:` is known by: its table's name in the singular (`public.users` → `user`). */
export function kindNameFor(table: string): string {
  const name = parseTableName(table)
    .name.toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
  return (name.endsWith('s') && !name.endsWith('ss') ? name.slice(0, -1) : name) || 'person'
}

/** Every kind of person in the map, in the order written (a map with one `subject:` has one kind). */
export function subjectKinds(map: DataMap): SubjectKind[] {
  if (map.subjects) return Object.entries(map.subjects).map(([name, kind]) => ({name, ...kind}))
  return map.subject ? [{name: kindNameFor(map.subject.table), ...map.subject}] : []
}

/** The kind whose table this is, if any. */
export function kindOfTable(map: DataMap, table: string): SubjectKind | undefined {
  return subjectKinds(map).find(kind => kind.table === table)
}

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

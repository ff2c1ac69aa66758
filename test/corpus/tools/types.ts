/** Facts about one application's schema, derived from its published schema or migrations (see test/corpus/README.md). */
export interface CorpusSchema {
  app: string
  source: {repository: string; commit: string; paths: string[]; license?: string}
  ecosystem: string
  naming: string
  /** Language of the schema's names: `en`, or another language when its tables and columns are named in it. */
  language: string
  extensions: string[]
  enums: Array<{schema: string; name: string; values: string[]}>
  tables: CorpusTable[]
}

export interface CorpusTable {
  schema: string
  name: string
  /** `PARTITION BY` clause of a partitioned table, as Postgres prints it. */
  partitionBy?: string
  inherits?: string
  columns: Array<{name: string; type: string; nullable: boolean; default?: string; generated?: string}>
  primaryKey: string[]
  /** Unique indexes; `constraint` marks one declared as a UNIQUE constraint (as Django writes them) rather than a bare index. */
  uniqueIndexes: Array<{columns: Array<string | null>; expressions?: string[]; predicate?: string; constraint?: boolean}>
  foreignKeys: Array<{columns: string[]; references: string; referencedColumns: string[]; onDelete: string}>
}

/** What a person who knows the application says about its schema. */
export interface CorpusLabels {
  /** Tables that hold one row per person; the first is the main kind (the app's users). */
  subjects: Array<{table: string; key: string; lookup: string[]; kind?: string}>
  /** Every column that holds personal data, `schema.table.column` → its category; every other column holds none. */
  personal: Record<string, {category: string; values?: string; note?: string}>
  /** Value kinds of columns that are not personal but hold text, so that generated rows look like the real ones. */
  values?: Record<string, string>
  /** For every table holding personal data other than the subject tables: the columns by which its rows reach a person. */
  reaches: Record<string, Array<{column: string | string[]; to: string; fk: boolean; role?: string}>>
  /** Tables that hold personal data about people who are not modelled as a subject kind, or none of the above, explained. */
  notes?: Record<string, string>
  /** The hard labelling calls, in words. */
  hardCalls: string[]
}

import type {Category} from '../datamap/schema.js'
import type {TableContext} from './table-context.js'

export type PersonalCategory = Exclude<Category, 'none'>

/** What a column's type allows it to hold. */
export type TypeFamily = 'text' | 'json' | 'boolean' | 'timestamp' | 'date' | 'number' | 'uuid' | 'network' | 'binary' | 'search' | 'enum' | 'other'

export interface NameVerdict {
  category: PersonalCategory | 'none'
  confidence: number
  evidence: string
}

export interface Input {
  concepts: Set<string>
  /** The name's own words, before they became concepts. */
  words: string[]
  family: TypeFamily
  table: TableContext
}

import {readFile} from 'node:fs/promises'

import {parse} from 'yaml'

/**
 * The data map as the oracle reads it, straight from the YAML (not through
 * the tool's loader): which tables reach the person through which columns,
 * what happens to their rows, and which columns the map says are erased.
 */
export interface OracleMap {
  subject: {table: string; key: string; lookup: string[]}
  tables: Map<string, OracleTableSpec>
}

export interface OracleEdge {
  column: string
  parent: string
  parentColumn: string
}

export interface OracleTableSpec {
  edges: OracleEdge[]
  erase: 'delete' | 'anonymize'
  /** Columns the map erases (a strategy other than keep, on a personal category), with JSON keys where the map names them. */
  erased: Map<string, {strategy: string; keys?: string[]}>
}

interface RawEdge {
  column: string
  to: string
}
interface RawColumn {
  category?: string
  erase?: string
  keys?: string[]
}
interface RawTable {
  via?: RawEdge | RawEdge[]
  erase?: string
  columns?: Record<string, RawColumn>
}
interface RawMap {
  subject: {table: string; key: string; lookup: string[]}
  tables?: Record<string, RawTable>
}

export async function readOracleMap(file: string): Promise<OracleMap> {
  const raw = parse(await readFile(file, 'utf8')) as RawMap
  const tables = new Map<string, OracleTableSpec>()
  for (const [key, spec] of Object.entries(raw.tables ?? {})) {
    const via = spec.via === undefined ? [] : Array.isArray(spec.via) ? spec.via : [spec.via]
    const erased = new Map<string, {strategy: string; keys?: string[]}>()
    for (const [column, c] of Object.entries(spec.columns ?? {})) {
      if (!c.erase || c.erase === 'keep' || c.category === 'none') continue
      erased.set(column, {strategy: c.erase, ...(c.keys && c.keys.length > 0 ? {keys: c.keys} : {})})
    }
    tables.set(key, {
      edges: via.map(edge => {
        const dot = edge.to.lastIndexOf('.')
        return {column: edge.column, parent: edge.to.slice(0, dot), parentColumn: edge.to.slice(dot + 1)}
      }),
      erase: spec.erase === 'anonymize' ? 'anonymize' : 'delete',
      erased,
    })
  }
  return {subject: raw.subject, tables}
}

import type {DataMap} from '../datamap/schema.js'
import {edgesOf, kindOfTable} from '../datamap/schema.js'
import {SchemaInfo, isUniqueColumn} from '../db/introspect.js'

/**
 * Columns of anonymised tables whose rewriting could tie a row to someone
 * else. A reference (a `via` edge, a foreign key, a primary key) may only be
 * cleared: a faked or redacted reference can point at a real other person.
 * A lookup of the subject may also be hashed or faked (the result is unique
 * to the row and never a real person's value), or redacted when the column
 * is unique (the redaction then differs per row), but never set to a shared
 * constant that would make erased people look alike.
 */
export function referenceColumnProblems(map: DataMap, schema: SchemaInfo): string[] {
  const problems: string[] = []
  for (const [key, spec] of Object.entries(map.tables)) {
    const table = schema.tables.get(key)
    const anonymised = spec.erase === 'anonymize' || spec.retention?.action === 'anonymize'
    if (!table || !anonymised) continue
    const references = new Map<string, string>()
    for (const edge of edgesOf(spec)) references.set(edge.column, 'a via edge')
    for (const fk of table.foreignKeys) for (const column of fk.columns) references.set(column, `foreign key ${fk.name}`)
    for (const column of table.primaryKey) references.set(column, 'the primary key')
    const lookups = new Set(kindOfTable(map, key)?.lookup ?? [])
    for (const [column, columnSpec] of Object.entries(spec.columns ?? {})) {
      if (columnSpec.category === 'none') continue
      const strategy = (columnSpec.keys?.length ?? 0) > 0 ? 'keys' : columnSpec.erase
      const why = references.get(column)
      if (why && strategy && strategy !== 'null' && strategy !== 'keep') problems.push(`${key}.${column} is ${why} and may only be cleared (erase: null), not ${strategy}`)
      else if (!why && lookups.has(column) && (strategy === 'keys' || (strategy === 'redact' && !isUniqueColumn(table, column)))) {
        problems.push(`${key}.${column} is a lookup of the subject and would be set to a value erased people share (${strategy}); use hash, fake or null`)
      }
    }
  }
  return problems
}

import {referenceColumnProblems as mapReferenceProblems} from '../datamap/column-strategies.js'
import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'

/**
 * Columns of anonymised tables whose rewriting could tie a row to someone
 * else, as one line each (`public.orders.user_id: …`): the map validator's
 * rule, asked again by the erasure itself right before it plans.
 */
export function referenceColumnProblems(map: DataMap, schema: SchemaInfo): string[] {
  return mapReferenceProblems(map, schema).map(problem => `${problem.table}.${problem.column}: ${problem.message}`)
}

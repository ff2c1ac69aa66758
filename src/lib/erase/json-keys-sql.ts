import {KeyPattern, keyPatternJsonPath, parseKeyPattern} from '../datamap/json-keys.js'
import {PrivacyError} from '../errors.js'

/**
 * SQL for a jsonb value with the keys of `patterns` removed at any depth.
 *
 * One expression, no function installed in the app's database: a recursive
 * walk lists every key's path and its shape (key names, null for an array
 * step), the matching paths are removed one after another with `#-`, and a
 * jsonpath test first skips the documents that hold none of the keys, so most
 * rows of a batch cost one index-free check. NULL stays NULL, scalars and
 * documents without the keys are returned as they were. Inside the walk,
 * `document` is read in a scope with no columns of its own, so a table's
 * column called `value` or `path` is still the table's.
 */
export function stripJsonKeysSql(document: string, keys: string[], param: (value: unknown) => string): string {
  const patterns = keys.map(key => {
    const pattern = parseKeyPattern(key)
    if ('error' in pattern) throw new PrivacyError(`keys: ${pattern.error}`, {code: 'invalid_strategy'})
    return pattern
  })
  if (patterns.length === 0) return document
  const names = patterns.filter((p): p is Extract<KeyPattern, {kind: 'anywhere'}> => p.kind === 'anywhere').map(p => p.name)
  const shapes = patterns.filter((p): p is Extract<KeyPattern, {kind: 'path'}> => p.kind === 'path').map(p => p.steps)
  const found = `jsonb_path_exists(${document}, ${param(`$ ? (${patterns.map(p => `exists(${keyPatternJsonPath(p)})`).join(' || ')})`)}::jsonpath)`
  const matches = [
    ...(names.length > 0 ? [`w.shape ->> -1 = ANY(${param(names)}::text[])`] : []),
    ...(shapes.length > 0 ? [`w.shape = ANY(${param(shapes.map(shape => JSON.stringify(shape)))}::jsonb[])`] : []),
  ]
  // Without a name to find anywhere, nothing deeper than the longest path can match.
  const depth = names.length === 0 ? ` AND cardinality(w.path) < ${Math.max(...shapes.map(s => s.length))}` : ''
  return `CASE WHEN ${found} THEN (
    WITH RECURSIVE source AS (SELECT ${document} AS document),
    walk(path, shape, value) AS (
      SELECT ARRAY[]::text[], '[]'::jsonb, source.document FROM source
      UNION ALL
      SELECT w.path || step.key, w.shape || step.shape, step.value
      FROM walk w CROSS JOIN LATERAL (
        SELECT e.key, jsonb_build_array(e.key) AS shape, e.value FROM jsonb_each(CASE WHEN jsonb_typeof(w.value) = 'object' THEN w.value END) e
        UNION ALL
        SELECT (a.n - 1)::text, '[null]'::jsonb, a.value FROM jsonb_array_elements(CASE WHEN jsonb_typeof(w.value) = 'array' THEN w.value END) WITH ORDINALITY a(value, n)
      ) step
      WHERE jsonb_typeof(w.value) IN ('object', 'array')${depth}
    ),
    doomed AS (SELECT w.path, row_number() OVER () AS n FROM walk w WHERE ${matches.join(' OR ')}),
    stripped(n, value) AS (
      SELECT 0::bigint, source.document FROM source
      UNION ALL
      SELECT s.n + 1, s.value #- d.path FROM stripped s JOIN doomed d ON d.n = s.n + 1
    )
    SELECT s.value FROM stripped s ORDER BY s.n DESC LIMIT 1
  ) ELSE ${document} END`
}

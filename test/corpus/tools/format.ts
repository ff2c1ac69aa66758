/**
 * JSON for corpus files that reads well in a diff: objects nest with two
 * spaces, but a column, an index, a key or a label stays on one line.
 */
export function formatCorpusJson(value: unknown): string {
  return `${format(value, '')}\n`
}

function format(value: unknown, indent: string): string {
  const inline = JSON.stringify(value)
  if (value === null || typeof value !== 'object' || isLeaf(value)) return inline
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    return `[\n${value.map(item => inner + format(item, inner)).join(',\n')}\n${indent}]`
  }
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length === 0) return '{}'
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(',\n')}\n${indent}}`
}

/** An array of scalars, or an object whose values are scalars or arrays of scalars. */
function isLeaf(value: object): boolean {
  const scalar = (v: unknown) => v === null || typeof v !== 'object'
  if (Array.isArray(value)) return value.every(scalar)
  return Object.values(value).every(v => scalar(v) || (Array.isArray(v) && v.every(scalar)))
}

import {readDoubleQuoted} from '../quoted.js'

/**
 * What a column's `keys:` entry names inside a JSON document.
 *
 * - `email` (one name, no dots or brackets): every key called `email`, at any
 *   depth, inside objects and arrays alike.
 * - `contact.email`, `items[].phone`, `[].email`: one path from the top of the
 *   document; `.` steps into an object's key, `[]` into every element of an
 *   array. Use a path where the name alone would also erase keys you keep.
 * - `"a.b"`: a key whose name holds `.`, `[`, `]` or `"` is written in double
 *   quotes, a quote inside doubled (`"say ""hi"""`); `"a.b".c` is a path.
 */
export type KeyPattern =
  | {kind: 'anywhere'; name: string}
  /** Steps from the top: a key name, or null for "every element of an array". */
  | {kind: 'path'; steps: Array<string | null>}

const SPECIAL = /[.[\]"]/

/** The pattern, or why the text is not one. */
export function parseKeyPattern(text: string): KeyPattern | {error: string} {
  if (text === '') return {error: 'an empty key'}
  const steps: Array<string | null> = []
  let i = 0
  let dotted = false
  for (;;) {
    let name: string | undefined
    if (text[i] === '"') {
      const quoted = readDoubleQuoted(text, i)
      if (!quoted) return {error: `${text} has a quote that is never closed`}
      name = quoted.value
      i = quoted.end
    } else {
      const start = i
      while (i < text.length && !SPECIAL.test(text[i]!)) i++
      if (i > start) name = text.slice(start, i)
    }
    if (name !== undefined) steps.push(name)
    else if (!(steps.length === 0 && text.startsWith('[]', i)))
      return {error: `${text} has an empty step; write a key name between dots (quote names that hold . [ ] or ")`}
    while (text.startsWith('[]', i)) {
      steps.push(null)
      i += 2
    }
    if (i === text.length) break
    if (text[i] !== '.') return {error: `${text} has ${JSON.stringify(text[i])} where a dot or [] belongs; quote key names that hold . [ ] or "`}
    dotted = true
    i++
  }
  if (steps.at(-1) === null) return {error: `${text} ends with []; a path must end with the key to erase`}
  return !dotted && steps.length === 1 ? {kind: 'anywhere', name: steps[0]!} : {kind: 'path', steps}
}

/** A key name as a `keys:` entry that matches it at any depth (quoted when it holds . [ ] or "). */
export function formatKeyName(name: string): string {
  return SPECIAL.test(name) || name === '' ? `"${name.replace(/"/g, '""')}"` : name
}

/** A jsonpath that finds what the pattern names (lax: a superset is fine, it only decides whether to look closer). */
export function keyPatternJsonPath(pattern: KeyPattern): string {
  if (pattern.kind === 'anywhere') return `$.**.${JSON.stringify(pattern.name)}`
  return `$${pattern.steps.map(step => (step === null ? '[*]' : `.${JSON.stringify(step)}`)).join('')}`
}

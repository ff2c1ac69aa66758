/**
 * Reads Django model classes out of Python source, well enough for
 * `from-django.ts`: top-level classes with their bases, the field
 * assignments of their bodies as calls (callee, positional and keyword
 * arguments, unparsed), the integer constants of their bodies and the
 * options of their `class Meta`; and a module's integer constants.
 */

export interface Call {
  callee: string
  args: string[]
  kwargs: Record<string, string>
}
export interface PyClass {
  name: string
  bases: string[]
  app: string
  /** The file the class comes from: a bare name in its body means that module's constant (or one it imported). */
  module: string
  fields: Array<{name: string; call: Call}>
  /** `MAX_NAME_LENGTH = 100` in the class body, which field options often name. */
  constants: Record<string, number>
  meta: Record<string, string>
}

const CONSTANT = /^([A-Z][A-Z0-9_]*)\s*(?::\s*int\s*)?=\s*(\d[\d_]*)$/

/** Integer constants assigned at a module's top level (`MAX_LENGTH = 50`, `MAX_LENGTH: int = 50`). */
export function moduleConstants(source: string): Map<string, number> {
  const constants = new Map<string, number>()
  for (const line of logicalLines(source)) {
    const match = line.indent === 0 ? CONSTANT.exec(line.text) : null
    if (match) constants.set(match[1]!, Number(match[2]!.replaceAll('_', '')))
  }
  return constants
}

/** Drops docstrings, comments and line continuations, keeping string literals on one line. */
function clean(source: string): string {
  let out = ''
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!
    const triple = source.slice(i, i + 3)
    if (triple === '"""' || triple === "'''") {
      const end = source.indexOf(triple, i + 3)
      out += '""'
      i = end < 0 ? source.length : end + 2
    } else if (c === '"' || c === "'") {
      let j = i + 1
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1
      out += source.slice(i, j + 1)
      i = j
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++
      out += '\n'
    } else out += c
  }
  return out
}

/** Physical lines joined into logical lines (open brackets continue a line), with their indentation. */
function logicalLines(source: string): Array<{indent: number; text: string}> {
  const lines: Array<{indent: number; text: string}> = []
  let current: {indent: number; text: string} | undefined
  let depth = 0
  for (const raw of clean(source).split('\n')) {
    if (current) current.text += ` ${raw.trim()}`
    else if (raw.trim() !== '') current = {indent: raw.length - raw.trimStart().length, text: raw.trim()}
    else continue
    for (const char of stripStrings(raw)) depth += char === '(' || char === '[' || char === '{' ? 1 : char === ')' || char === ']' || char === '}' ? -1 : 0
    if (depth <= 0) {
      lines.push(current!)
      current = undefined
      depth = 0
    }
  }
  return lines
}

const stripStrings = (text: string) => text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')

/** Splits code at a separator outside brackets and string literals (Python and PHP quote alike). */
export function splitTopLevel(text: string, separator: ',' | ';'): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = null
    } else if (c === '"' || c === "'") quote = c
    else if ('([{'.includes(c)) depth++
    else if (')]}'.includes(c)) depth--
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i).trim())
      start = i + 1
    }
  }
  parts.push(text.slice(start).trim())
  return parts.filter(Boolean)
}

export const splitArgs = (text: string) => splitTopLevel(text, ',')

/** `models.ForeignKey("x", on_delete=models.CASCADE)` → callee, args, kwargs; undefined when the text is not a call. */
export function parseCall(text: string): Call | undefined {
  let trimmed = text.trim()
  // `name: Annotation = (\n models.X(...)\n)` wraps the call in parentheses.
  while (trimmed.startsWith('(') && trimmed.endsWith(')') && splitArgs(trimmed.slice(1, -1)).length === 1) trimmed = trimmed.slice(1, -1).trim()
  const match = /^([A-Za-z_][\w.]*)\s*\(([\s\S]*)\)$/.exec(trimmed)
  if (!match) return undefined
  const args: string[] = []
  const kwargs: Record<string, string> = {}
  for (const part of splitArgs(match[2]!)) {
    const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(part)
    if (kw) kwargs[kw[1]!] = kw[2]!
    else args.push(part)
  }
  return {callee: match[1]!, args, kwargs}
}

/** A Python string literal's value (`_("x")` counts as "x"), or undefined. */
export function pyString(text: string | undefined): string | undefined {
  const match = /^(?:_\()?\s*[rbu]?(["'])((?:(?!\1)[^\\]|\\.)*)\1\s*\)?$/.exec((text ?? '').trim())
  return match ? match[2] : undefined
}

/** Every top-level class of a module, with its fields, constants and Meta options. */
export function parseModule(source: string, app: string, module = ''): PyClass[] {
  const classes: PyClass[] = []
  let current: PyClass | undefined
  let inMeta = false
  for (const line of logicalLines(source)) {
    const header = /^class\s+(\w+)\s*(?:\(([\s\S]*)\))?\s*:/.exec(line.text)
    if (line.indent === 0) {
      current = header
        ? {name: header[1]!, bases: splitArgs(header[2] ?? '').filter(b => !b.includes('=')), app, module, fields: [], constants: {}, meta: {}}
        : undefined
      if (current) classes.push(current)
      inMeta = false
      continue
    }
    if (!current) continue
    if (line.indent === 4) {
      inMeta = header?.[1] === 'Meta'
      const assignment = /^(\w+)\s*(?::[^=]+)?=\s*([\s\S]+)$/.exec(line.text)
      const call = assignment && !header ? parseCall(assignment[2]!) : undefined
      if (call) current.fields.push({name: assignment![1]!, call})
      const constant = CONSTANT.exec(line.text)
      if (constant) current.constants[constant[1]!] = Number(constant[2]!.replaceAll('_', ''))
    } else if (line.indent === 8 && inMeta) {
      const option = /^(\w+)\s*(?::[^=]+)?=\s*([\s\S]+)$/.exec(line.text)
      if (option) current.meta[option[1]!] = option[2]!
    }
  }
  return classes
}

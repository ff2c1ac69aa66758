/**
 * The top-level classes of a Django models module: their bases, the fields
 * assigned in their body (`name = models.XField(…)` or a field class called
 * bare), and the options of their inner `class Meta`.
 */
import {callArguments, parsePythonArgs, type PyArgs, type PyValue} from './python-args.js'

export interface DjangoField {name: string; kind: string; args: PyArgs}
export interface DjangoClass {
  name: string
  app: string
  bases: string[]
  fields: DjangoField[]
  meta: Record<string, PyValue>
  /** Integer constants of the class body (`MAX_NAME_LENGTH = 100`), which field options often name. */
  constants: Record<string, number>
}

/** Integer constants assigned at a module's top level. */
export function moduleConstants(source: string): Record<string, number> {
  return Object.fromEntries([...source.matchAll(/^([A-Z][A-Z0-9_]*)\s*(?::\s*int)?\s*=\s*(\d+)\s*$/gm)].map(m => [m[1]!, Number(m[2])]))
}

export function djangoClasses(source: string, app: string): DjangoClass[] {
  const lines = source.replace(/\r\n/g, '\n').split('\n')
  const classes: DjangoClass[] = []
  for (let i = 0; i < lines.length; i++) {
    const head = /^class (\w+)\s*(\(|:)/.exec(lines[i] ?? '')
    if (!head) continue
    const start = lines.slice(0, i).join('\n').length + (i > 0 ? 1 : 0)
    const open = source.indexOf('(', start)
    const bases = head[2] === '(' ? callArguments(source, open).args : ''
    let end = i + 1
    while (end < lines.length && /^(\s|#|\)|$)/.test(lines[end] ?? '')) end++
    const body = lines.slice(i + 1, end).join('\n')
    const constants = Object.fromEntries([...body.matchAll(/^ {4}([A-Z][A-Z0-9_]*)\s*(?::\s*int)?\s*=\s*(\d+)\s*$/gm)].map(m => [m[1]!, Number(m[2])]))
    classes.push({name: head[1]!, app, bases: bases.split(',').map(b => b.trim()).filter(Boolean), fields: fields(body, 4), meta: meta(body), constants})
    i = end - 1
  }
  return classes
}

/** Assignments at the class body's own indentation whose value is a call of a field class. */
function fields(body: string, indent: number): DjangoField[] {
  const result: DjangoField[] = []
  const assignment = new RegExp(`^ {${indent}}(\\w+)\\s*(?::[^=\\n]+)?=\\s*((?:models\\.)?([A-Z]\\w*Field|ForeignKey|OneToOneField|ManyToManyField))\\(`, 'gm')
  for (const match of body.matchAll(assignment)) {
    const open = match.index + match[0].length - 1
    result.push({name: match[1]!, kind: match[3]!, args: parsePythonArgs(callArguments(body, open).args)})
  }
  return result
}

/** `class Meta:` options: simple assignments evaluated as Python literals (calls kept as expressions). */
function meta(body: string): Record<string, PyValue> {
  const at = /^ {4}class Meta\b.*:\s*$/m.exec(body)
  if (!at) return {}
  const lines = body.slice(at.index + at[0].length).split('\n')
  const own: string[] = []
  for (const line of lines.slice(1)) {
    if (line.trim() !== '' && !/^ {5,}/.test(line)) break
    own.push(line)
  }
  const text = own.join('\n')
  const result: Record<string, PyValue> = {}
  for (const match of text.matchAll(/^ {8}(\w+)\s*(?::[^=\n]+)?=\s*/gm)) {
    const valueStart = match.index + match[0].length
    const next = /^ {8}\w+\s*(?::[^=\n]+)?=/m.exec(text.slice(valueStart))
    const valueText = text.slice(valueStart, next ? valueStart + next.index : text.length)
    result[match[1]!] = parsePythonArgs(valueText.trim()).positional[0] ?? null
  }
  return result
}

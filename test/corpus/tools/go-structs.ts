/**
 * Struct declarations and named basic types in Go source, keyed by package
 * directory and name (`/path/models/user.User`), with each field's type
 * resolved to such a key through the file's imports.
 */
import {dirname} from 'node:path'

export interface GoField {
  name: string
  type: string
  tag?: string
  embedded: boolean
  typeKey?: string
}
export interface GoStruct {
  name: string
  fields: GoField[]
}

export function goStructs(sources: Array<{file: string; text: string}>): {structs: Map<string, GoStruct>; namedTypes: Map<string, string>} {
  const structs = new Map<string, GoStruct>()
  const namedTypes = new Map<string, string>()
  const dirs = [...new Set(sources.map(s => dirname(s.file)))]
  for (const {file, text} of sources) {
    const pkg = dirname(file)
    const code = text.replace(/\/\/.*$/gm, '')
    const imports = importsOf(code, dirs)
    const resolve = (type: string): string | undefined => {
      const bare = type.replace(/^[*[\]]+/, '')
      const qualified = /^(\w+)\.(\w+)$/.exec(bare)
      if (qualified) return imports.has(qualified[1]!) ? `${imports.get(qualified[1]!)}.${qualified[2]}` : undefined
      return /^\w+$/.test(bare) ? `${pkg}.${bare}` : undefined
    }
    for (const match of code.matchAll(/^\s*(?:type\s+)?(\w+)\s+struct\s*\{/gm)) {
      const body = blockAt(code, match.index + match[0].length)
      structs.set(`${pkg}.${match[1]}`, {name: match[1]!, fields: fields(body, resolve)})
    }
    for (const [, name, base] of code.matchAll(/^\s*(?:type\s+)?(\w+)\s+(u?int(?:8|16|32|64)?|string|bool|float(?:32|64))\s*$/gm))
      namedTypes.set(`${pkg}.${name}`, base!)
  }
  return {structs, namedTypes}
}

function importsOf(text: string, dirs: string[]): Map<string, string> {
  const result = new Map<string, string>()
  const block = /import\s*\(([\s\S]*?)\)/.exec(text)?.[1] ?? /import\s+(.*)/.exec(text)?.[1] ?? ''
  for (const [, alias, path = ''] of block.matchAll(/(?:(\w+)\s+)?"([^"]+)"/g)) {
    const suffix = path.split('/').slice(-2).join('/')
    const dir = dirs.find(d => d === suffix || d.endsWith(`/${suffix}`))
    if (dir) result.set(alias ?? path.split('/').pop()!, dir)
  }
  return result
}

/** The text between the brace opened just before `start` and its match. */
function blockAt(text: string, start: number): string {
  let depth = 1
  let i = start
  while (i < text.length && depth > 0) {
    if (text[i] === '`') i = text.indexOf('`', i + 1)
    else if (text[i] === '{') depth++
    else if (text[i] === '}') depth--
    i++
  }
  return text.slice(start, i - 1)
}

function fields(body: string, resolve: (type: string) => string | undefined): GoField[] {
  const result: GoField[] = []
  let depth = 0
  for (const raw of body.split('\n')) {
    const line = raw.trim()
    const opens = (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length
    if (depth > 0 || !line) {
      depth += opens
      continue
    }
    depth += opens
    const tag = /`([^`]*)`/.exec(line)?.[1]
    const declaration = line.replace(/`[^`]*`/, '').trim()
    const named = /^([\w, ]+?)\s+([*[\]\w.{}]+(?:\s*\{)?)$/.exec(declaration)
    if (named && !/^\w+\.\w+$/.test(declaration)) {
      const type = named[2]!.replace(/\s*\{$/, '')
      for (const name of named[1]!.split(',').map(n => n.trim())) result.push({name, type, tag, embedded: false, typeKey: resolve(type)})
    } else if (/^\*?[\w.]+$/.test(declaration)) {
      const type = declaration
      result.push({name: type.replace(/^\*/, '').split('.').pop()!, type, tag, embedded: true, typeKey: resolve(type)})
    }
  }
  return result
}

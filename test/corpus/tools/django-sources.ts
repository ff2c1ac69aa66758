/**
 * The Python files `from-django.ts` reads, with their app labels, and the
 * integer constants each module can name: its own and those it imports
 * (`from ..core.taxes import TAX_ERROR_FIELD_LENGTH`, `from
 * zerver.models.constants import MAX_LANGUAGE_ID_LENGTH`), read from the
 * imported module when it is on disk, relative to the importing file or to
 * the working directory (the checkout's root).
 */
import {existsSync} from 'node:fs'
import {readdir, readFile, stat} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {moduleConstants} from './django-parse.js'

export interface SourceFile {
  app: string
  file: string
  source: string
}

/** `APP=PATH` or PATH (its app label is the directory holding it, the one above a `models/` package); a directory stands for its Python files. */
export async function sourceFiles(sources: string[]): Promise<SourceFile[]> {
  const files: SourceFile[] = []
  for (const spec of sources) {
    const at = spec.indexOf('=')
    const [given, path] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [undefined, spec]
    const found = (await stat(path)).isDirectory() ? await pythonFiles(path) : [path]
    for (const file of found) files.push({app: given ?? appOf(file), file, source: await readFile(file, 'utf8')})
  }
  return files
}

function appOf(file: string): string {
  const dir = dirname(file)
  return basename(dir) === 'models' ? basename(dirname(dir)) : basename(dir)
}

async function pythonFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await pythonFiles(path)))
    else if (entry.name.endsWith('.py')) files.push(path)
  }
  return files.sort()
}

/** Names a module imports that look like constants, with the module they come from (`..core.taxes`) and the name they get. */
export function importedConstants(source: string): Array<{module: string; name: string; local: string}> {
  const found: Array<{module: string; name: string; local: string}> = []
  for (const match of source.matchAll(/^from\s+(\.*[\w.]*)\s+import\s+(\([^)]*\)|[^\n]*)/gm)) {
    for (const item of match[2]!
      .replace(/[()]/g, '')
      .replace(/#[^\n]*/g, '')
      .split(',')) {
      const [name, alias] = item.trim().split(/\s+as\s+/)
      if (name && /^[A-Z][A-Z0-9_]*$/.test(name)) found.push({module: match[1]!, name, local: alias ?? name})
    }
  }
  return found
}

/** The file of a module named in an import, relative to the importing file (leading dots) or to the working directory. */
function moduleFile(module: string, importer: string): string | undefined {
  const dots = /^\.*/.exec(module)![0].length
  let base = dots > 0 ? dirname(importer) : '.'
  for (let i = 1; i < dots; i++) base = dirname(base)
  const path = join(base, ...module.slice(dots).split('.').filter(Boolean))
  return [`${path}.py`, join(path, '__init__.py')].find(existsSync)
}

/** Each file's integer constants, those it imports from modules on disk included (followed a few imports deep). */
export async function constantsOf(files: SourceFile[]): Promise<Map<string, Map<string, number>>> {
  const cache = new Map<string, Map<string, number>>()
  const load = async (file: string, source: string | undefined, depth: number): Promise<Map<string, number>> => {
    const known = cache.get(file)
    if (known) return known
    const text = source ?? (await readFile(file, 'utf8'))
    const constants = moduleConstants(text)
    cache.set(file, constants)
    if (depth < 4) {
      for (const {module, name, local} of importedConstants(text)) {
        const from = moduleFile(module, file)
        const value = from ? (await load(from, undefined, depth + 1)).get(name) : undefined
        if (value !== undefined && !constants.has(local)) constants.set(local, value)
      }
    }
    return constants
  }
  for (const {file, source} of files) await load(file, source, 0)
  return new Map(files.map(f => [f.file, cache.get(f.file)!]))
}

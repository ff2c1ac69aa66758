/**
 * Fails when modules under src/ import each other in a circle, type imports
 * included: a cycle makes a module impossible to read, test or load lazily on
 * its own. Run by `npm run lint`.
 */
import {readFileSync, readdirSync, statSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import ts from 'typescript'

import {stronglyConnected} from '../src/lib/subject/strongly-connected.js'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}

/** The project files a module imports (static, dynamic and type-only), as resolved paths. */
export function importsOf(file: string, known: Set<string>): string[] {
  const {importedFiles} = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  return importedFiles
    .filter(i => i.fileName.startsWith('.'))
    .map(i => resolve(dirname(file), i.fileName).replace(/\.js$/, ''))
    .flatMap(base => [`${base}.ts`, `${base}.tsx`].filter(path => known.has(path)))
}

export function importCycles(root: string): string[][] {
  const files = sourceFiles(root)
  const known = new Set(files)
  const graph = new Map(files.map(file => [file, importsOf(file, known)]))
  return stronglyConnected(files, file => graph.get(file) ?? []).filter(group => group.length > 1 || graph.get(group[0]!)!.includes(group[0]!))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../src', import.meta.url))
  const cycles = importCycles(root)
  for (const cycle of cycles) console.error(`import cycle: ${cycle.map(file => relative(root, file)).join(' ↔ ')}`)
  process.exitCode = cycles.length > 0 ? 1 : 0
}

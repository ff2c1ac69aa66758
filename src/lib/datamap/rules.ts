import type {Document, LineCounter} from 'yaml'

import {parseKeyPattern} from './json-keys.js'
import type {MapProblem} from './problem.js'

type Located = {document: Document; lines: LineCounter}
type LineOf = (loaded: Located, path: Array<string | number>, key?: string) => number | undefined

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Rules of the file that need no database: `keep` needs a basis, and every
 * `keys` entry must be a readable pattern. They read the parsed YAML as it is,
 * so they are reported together with shape errors and with the checks
 * against the live schema, each with its line.
 */
export function fileRuleProblems(loaded: Located, lineOf: LineOf): MapProblem[] {
  const problems: MapProblem[] = []
  const raw: unknown = loaded.document.toJS()
  const tables = isRecord(raw) && isRecord(raw.tables) ? raw.tables : {}
  for (const [table, spec] of Object.entries(tables)) {
    const columns = isRecord(spec) && isRecord(spec.columns) ? spec.columns : {}
    for (const [column, columnSpec] of Object.entries(columns)) {
      if (!isRecord(columnSpec)) continue
      const path = ['tables', table, 'columns', column]
      if (columnSpec.erase === 'keep' && columnSpec.basis === undefined) {
        problems.push({
          path: [...path, 'basis'].join('.'),
          line: lineOf(loaded, path, 'erase'),
          message: 'erase: keep needs a basis (why the law lets you keep it)',
        })
      }
      if (!Array.isArray(columnSpec.keys)) continue
      columnSpec.keys.forEach((key: unknown, i: number) => {
        if (typeof key !== 'string') return
        const pattern = parseKeyPattern(key)
        if ('error' in pattern)
          problems.push({
            path: [...path, 'keys', i].join('.'),
            line: lineOf(loaded, [...path, 'keys', i]),
            message: `${pattern.error} (a key name, or a path such as contact.email or "items[].phone")`,
          })
      })
    }
  }
  return problems
}

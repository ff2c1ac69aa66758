import {readFile} from 'node:fs/promises'

import {Document, LineCounter, isMap, isScalar, parseDocument} from 'yaml'

import {PrivacyError} from '../errors.js'
import type {MapProblem} from './problem.js'
import {fileRuleProblems} from './rules.js'
import {DataMap, dataMapSchema} from './schema.js'

export type {MapProblem} from './problem.js'

export interface LoadedDataMap {
  map: DataMap
  document: Document
  lines: LineCounter
  file: string
}

type PathSegment = string | number

export function formatProblems(file: string, problems: MapProblem[]): string {
  return problems.map(p => `${file}${p.line ? `:${p.line}` : ''} ${p.path}: ${p.message}`).join('; ')
}

export function invalidMap(file: string, problems: MapProblem[]): PrivacyError {
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`
  return new PrivacyError(`${file} has ${count}: ${formatProblems(file, problems)}`, {code: 'invalid_map', details: problems})
}

/**
 * The line of the node at `path` (or of the key `key` inside it), for error
 * messages; where the file has no such node (a missing `basis`), the line of
 * the nearest node around it.
 */
export function lineOf(loaded: Pick<LoadedDataMap, 'document' | 'lines'>, path: PathSegment[], key?: string): number | undefined {
  const node = path.length === 0 ? loaded.document.contents : loaded.document.getIn(path, true)
  if (node === undefined && path.length > 0) return lineOf(loaded, path.slice(0, -1), String(path.at(-1)))
  let offset: number | undefined
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find(item => isScalar(item.key) && item.key.value === key)
    offset = (pair?.key as {range?: [number, number, number]} | undefined)?.range?.[0]
  }
  offset ??= (node as {range?: [number, number, number]} | undefined)?.range?.[0]
  return offset === undefined ? undefined : loaded.lines.linePos(offset).line
}

export interface ParseOptions {
  /**
   * Return a well-formed map even when a rule of the file (keep without a
   * basis, an unreadable keys entry) is broken, so that the caller reports
   * those together with its checks against the live schema
   * (checkMapAgainstSchema repeats the rules).
   */
  deferRules?: boolean
}

/** Parses and validates privacy.yml text; every problem is reported at once, with its path and line. */
export function parseDataMap(text: string, file: string, options: ParseOptions = {}): LoadedDataMap {
  const lines = new LineCounter()
  const document = parseDocument(text, {lineCounter: lines, prettyErrors: true, uniqueKeys: true})
  if (document.errors.length > 0) {
    throw invalidMap(
      file,
      document.errors.map(error => ({
        path: '(yaml)',
        line: error.linePos?.[0]?.line,
        message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
      })),
    )
  }
  const loaded = {document, lines}
  const ruleProblems = fileRuleProblems(loaded, lineOf)
  const result = dataMapSchema.safeParse(document.toJS())
  if (!result.success) {
    throw invalidMap(file, [
      ...result.error.issues.flatMap(issue => {
        const path = issue.path as PathSegment[]
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map(key => ({path: [...path, key].join('.') || key, line: lineOf(loaded, path, key), message: `unknown key ${key}`}))
        }
        return [{path: path.join('.') || '(top)', line: lineOf(loaded, path), message: describeIssue(issue)}]
      }),
      ...ruleProblems,
    ])
  }
  if (ruleProblems.length > 0 && !options.deferRules) throw invalidMap(file, ruleProblems)
  return {map: result.data, document, lines, file}
}

function describeIssue(issue: {code: string; message: string; values?: unknown[]; path: PropertyKey[]}): string {
  if (issue.code === 'invalid_value' && Array.isArray(issue.values)) return `must be one of ${issue.values.join(', ')}`
  return issue.message
}

export async function loadDataMap(file: string, options: ParseOptions = {}): Promise<LoadedDataMap> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as {code?: string}).code === 'ENOENT') {
      throw new PrivacyError(`No data map at ${file}. Write one with \`heroku privacy:scan -a APP --out ${file}\`, review it, and commit it.`, {code: 'no_map'})
    }
    throw new PrivacyError(`Could not read ${file}: ${(error as Error).message}`, {code: 'map_unreadable'})
  }
  return parseDataMap(text, file, options)
}

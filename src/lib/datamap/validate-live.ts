import type {ColumnInfo, SchemaInfo, TableInfo} from '../db/introspect.js'
import {columnStrategyProblems} from './column-strategies.js'
import {LoadedDataMap, MapProblem, lineOf} from './load.js'
import {fileRuleProblems} from './rules.js'
import {edgeColumns, edgeTarget, edgesOf, subjectKinds} from './schema.js'
import {didYouMean} from './suggest.js'

export {strategyProblem} from './column-strategies.js'

/**
 * Checks the map against the live schema: every table, column and reference
 * it names exists, every erase strategy fits its column (and leaves keys,
 * references and generated columns alone), and the file's own rules hold.
 * Each problem names its place in the file and, where it can, what was
 * probably meant.
 */
export function checkMapAgainstSchema(loaded: LoadedDataMap, schema: SchemaInfo): MapProblem[] {
  const {map} = loaded
  const problems: MapProblem[] = []
  const tableNames = [...schema.tables.keys()]
  const at = (path: Array<string | number>, message: string, key?: string, kind?: 'missing') => {
    problems.push({path: [...path, ...(key ? [key] : [])].join('.'), line: lineOf(loaded, path, key), message, ...(kind ? {kind} : {})})
  }
  const findTable = (key: string, path: Array<string | number>, field?: string): TableInfo | undefined => {
    const table = schema.tables.get(key)
    if (!table) at(path, `table ${key} does not exist${didYouMean(key, tableNames)}`, field, 'missing')
    return table
  }
  const checkColumn = (table: TableInfo, name: string, path: Array<string | number>, field?: string): ColumnInfo | undefined => {
    const column = table.columns.find(c => c.name === name)
    if (!column)
      at(
        path,
        `column ${name} does not exist in ${table.key}${didYouMean(
          name,
          table.columns.map(c => c.name),
        )}`,
        field,
        'missing',
      )
    return column
  }

  const kinds = subjectKinds(map)
  for (const kind of kinds) {
    const at = map.subjects ? ['subjects', kind.name] : ['subject']
    const subject = findTable(kind.table, at, 'table')
    if (!subject) continue
    if (subject.primaryKey.length === 0)
      problems.push({
        path: [...at, 'table'].join('.'),
        line: lineOf(loaded, at, 'table'),
        message: `${subject.key} has no primary key; a table of people needs one to tell them apart`,
      })
    if (kinds.some(other => other !== kind && other.table === kind.table))
      problems.push({
        path: [...at, 'table'].join('.'),
        line: lineOf(loaded, at, 'table'),
        message: `${kind.table} is the table of more than one kind of person; give each kind its own table`,
      })
    checkColumn(subject, kind.key, at, 'key')
    kind.lookup.forEach((name, i) => checkColumn(subject, name, [...at, 'lookup', i]))
  }

  for (const [key, spec] of Object.entries(map.tables)) {
    const path = ['tables', key]
    const table = schema.tables.get(key)
    if (!table) {
      problems.push({
        path: path.join('.'),
        line: lineOf(loaded, ['tables'], key),
        message: `table ${key} does not exist${didYouMean(key, tableNames)}`,
        kind: 'missing',
      })
      continue
    }
    const edges = edgesOf(spec)
    edges.forEach((edge, i) => {
      const edgePath = Array.isArray(spec.via) ? [...path, 'via', i] : [...path, 'via']
      if (edge.kind && !kinds.some(k => k.name === edge.kind))
        at(
          edgePath,
          `kind ${edge.kind} is not a kind of person in subjects:${didYouMean(
            edge.kind,
            kinds.map(k => k.name),
          )}`,
          'kind',
        )
      for (const column of edgeColumns(edge)) checkColumn(table, column, edgePath, 'column')
      const target = edgeTarget(edge)
      const targetTable = findTable(target.table, edgePath, 'to')
      if (targetTable) for (const column of target.columns) checkColumn(targetTable, column, edgePath, 'to')
    })
    for (const name of Object.keys(spec.columns ?? {})) checkColumn(table, name, [...path, 'columns'], name)
    spec.third_party?.forEach((name, i) => checkColumn(table, name, [...path, 'third_party', i]))
    if (spec.retention) checkColumn(table, spec.retention.column, [...path, 'retention'], 'column')
    if (spec.erase && table.kind === 'view') at(path, `${key} is a view; erase the tables behind it`, 'erase')
  }
  map.exclude?.forEach((key, i) => {
    if (!schema.tables.has(key)) at(['exclude', i], `table ${key} does not exist${didYouMean(key, tableNames)}`, undefined, 'missing')
  })
  for (const problem of columnStrategyProblems(map, schema)) at(problem.path, problem.message, problem.field)
  problems.push(...fileRuleProblems(loaded, lineOf))
  return problems.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER))
}

import type {FuzzCase} from './model.js'
import {describeFailure} from './oracle/failures.js'
import type {CaseVerdict} from './run-case.js'
import {caseSql, schemaSql} from './sql.js'

const indent = (text: string, by = '    ') =>
  text
    .split('\n')
    .map(line => `${by}${line}`)
    .join('\n')

/** One line per case: the seed, the verdict, each erasure's outcome. */
export function summaryLine(verdict: CaseVerdict): string {
  const outcomes = verdict.scan
    ? [`scan ${verdict.scan.status}${verdict.scan.error?.code ? ` (${verdict.scan.error.code})` : ''}`]
    : verdict.steps.map(s => `${s.outcome.status}${s.outcome.error?.code ? ` (${s.outcome.error.code})` : ''}`)
  return `seed ${verdict.seed}: ${verdict.status === 'fail' ? 'FAIL' : verdict.status === 'refused' ? 'refused-cleanly' : 'pass'} [${outcomes.join(', ')}]`
}

/** What a failure prints: each finding, and how to replay it; with `full`, the schema, the rows, the map and the tool's plan. */
export function describeVerdict(fuzzCase: FuzzCase, verdict: CaseVerdict, options: {full?: boolean; schemaOnly?: boolean; shrunk?: boolean} = {}): string {
  const lines = [summaryLine(verdict)]
  if (verdict.scan) lines.push(...verdict.failures.map(f => `  ${describeFailure(f)}`), `  scan: ${verdict.scan.error?.message}`)
  for (const step of verdict.steps) {
    const person = fuzzCase.people[step.person]!
    lines.push(
      `  erase person ${step.person} (key ${person.key}, by ${step.lookup.column}): ${step.outcome.status}${step.outcome.error ? ` — ${step.outcome.error.code ?? ''} ${step.outcome.error.message}` : ''}`,
    )
    for (const failure of step.failures) lines.push(`    ${describeFailure(failure)}`)
    if (options.full) for (const line of step.plan) lines.push(`    tool: ${line}`)
    for (const note of step.notes) lines.push(`    note: ${note}`)
  }
  for (const note of verdict.notes) lines.push(`  note: ${note}`)
  if (fuzzCase.restrict)
    lines.push(
      `  restricted before: person ${fuzzCase.restrict.person} (${fuzzCase.restrict.legalHold ? 'legal hold' : 'accuracy'}${fuzzCase.restrict.unlinkShared ? ', erased with --unlink-restricted-shared' : ''})`,
    )
  if (fuzzCase.reviewerEdits.length > 0) lines.push(`  reviewer edits: ${JSON.stringify(fuzzCase.reviewerEdits)}`)
  if (options.full || options.schemaOnly) {
    const replay = options.shrunk
      ? `shrunk from seed ${fuzzCase.seed}; --save keeps it as a regression example`
      : `replay: npm run fuzz -- --seed ${fuzzCase.seed}`
    lines.push(`  schema${options.full ? ' and rows' : ''} (${replay}):`)
    lines.push(indent(options.full ? caseSql(fuzzCase) : schemaSql(fuzzCase)))
  }
  if (options.full && verdict.map) lines.push('  map after review:', indent(verdict.map.trimEnd()))
  return lines.join('\n')
}

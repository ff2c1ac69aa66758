import type {Appearance, LocateReport} from '../locate/locate.js'
import type {UnlinkedCheck} from '../locate/unlinked.js'
import {formatTable} from './table.js'

export function describeLink(appearance: Appearance): string {
  if (appearance.linked) return 'mapped'
  return appearance.inMap ? 'not linked by the map (rows of someone else)' : 'not linked by the map (table not in the map)'
}

/** `public.audit_log.payload (3 rows)`, for one-line warnings. */
export function describeAppearances(appearances: Appearance[]): string {
  return appearances.map(a => `${a.table}.${a.column} (${a.rows} ${a.rows === 1 ? 'row' : 'rows'})`).join(', ')
}

function describeIdentifiers(report: LocateReport): string {
  const kinds = Object.entries(report.identifiers).map(([kind, n]) => `${n} ${kind.replace('_', ' ')}`)
  const total = Object.values(report.identifiers).reduce((sum, n) => sum + n, 0)
  return `${total} ${total === 1 ? 'identifier' : 'identifiers'}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`
}

/** Where the people appear, as a table of counts, and what was not searched. Never a value. */
export function renderLocateReport(report: LocateReport, options: {maxSeconds?: number} = {}): string {
  if (Object.keys(report.identifiers).length === 0) {
    return 'The person has no distinctive identifier to search for (their values are too short, too common, or shared with other rows); nothing was searched.'
  }
  const lines = [
    `Searched ${report.searched.tables} tables (${report.searched.columns} columns, ${report.searched.rows.toLocaleString('en')} rows) for ${describeIdentifiers(report)}.`,
  ]
  if (report.found.length === 0) lines.push('', 'No row holds any of them.')
  else
    lines.push(
      '',
      formatTable(
        ['TABLE', 'COLUMN', 'ROWS', 'WHERE'],
        report.found.map(a => [a.table, a.column, String(a.rows), describeLink(a)]),
      ),
    )
  if (report.notReached.length > 0) {
    lines.push('', `Not reached${options.maxSeconds === undefined ? '' : ` within --max-seconds ${options.maxSeconds}`}: ${report.notReached.join(', ')}`)
  }
  if (report.unreadable.length > 0) lines.push(`Not searched (this role may not read them): ${report.unreadable.join(', ')}`)
  if (report.partlyVisible.length > 0) lines.push(`Searched only the rows row-level security lets this role see: ${report.partlyVisible.join(', ')}`)
  return lines.join('\n')
}

/** After an erasure: where the people's identifiers are still found, or that they are found nowhere. */
export function renderResidues(check: UnlinkedCheck): string {
  const lines: string[] = []
  if (check.failed) lines.push(`Could not search for what remains: ${check.failed}.`)
  else if (check.appearances.length === 0) lines.push('Searched every table afterwards: none of their identifiers remain anywhere.')
  else {
    lines.push('Still found after the erasure (counts only):')
    lines.push(
      formatTable(
        ['TABLE', 'COLUMN', 'ROWS', 'WHERE'],
        check.appearances.map(a => [a.table, a.column, String(a.rows), a.inMap ? 'in the map, left by this erasure' : 'table not in the map']),
      ),
    )
  }
  if (check.notReached.length > 0) lines.push(`Not searched within --locate-seconds: ${check.notReached.join(', ')}`)
  return lines.join('\n')
}

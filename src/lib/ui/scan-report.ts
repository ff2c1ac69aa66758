import type {ScanReport} from '../scan/run-scan.js'

function section(title: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : ['', `${title}:`, ...lines.map(line => `  ${line}`)]
}

export function renderScanReport(report: ScanReport, database: string): string {
  const subject = report.subject
  const categories = Object.entries(report.personalColumns)
    .map(([category, count]) => `${category} ${count}`)
    .join(', ')
  return [
    `Scanned ${report.tablesScanned} tables in ${database}.`,
    subject ? `Subject: ${subject.table} (key ${subject.key}; people are looked up by ${subject.lookup.join(', ')})` : '',
    `${report.created ? 'Wrote' : 'Updated'} ${report.map}: review it, correct it, and commit it.`,
    '',
    `Personal columns: ${report.columns.length}${categories ? ` (${categories})` : ''}`,
    ...section(
      'Proposed references by value (confirm each in the map, then remove "proposed")',
      report.proposals.map(p => `${p.table}.${p.column} → ${p.to}  (${p.matched} of ${p.sampled} sampled values match)`),
    ),
    ...section('Personal data not reachable from the subject (add a via edge or exclude the table)', report.unreachable),
    ...section(
      'Other tables that hold one row per person: to answer their own requests, name each as a kind under subjects: (see the README, "Several kinds of people")',
      report.otherKinds.map(k => `${k.table} (key ${k.key}${k.lookup.length > 0 ? `, looked up by ${k.lookup.join(', ')}` : ''}): ${k.reasons.join(', ')}`),
    ),
    ...section('Tables this role may not read (classified by name only)', report.unreadable),
    ...section('Added to the map', report.added),
    ...section('Removed from the map (no longer in the database)', report.removed),
    ...section(
      'Problems in the map',
      report.problems.map(p => `${p.line ? `line ${p.line} ` : ''}${p.path}: ${p.message}`),
    ),
  ]
    .filter((line, i, lines) => line !== '' || lines[i - 1] !== '')
    .join('\n')
}

export function renderDrift(report: ScanReport): string {
  const drift = report.drift!
  const guess = (table: string, column: string) => {
    const found = report.columns.find(c => c.table === table && c.column === column)
    return found ? ` — looks like ${found.category} (${found.evidence.join('; ')})` : ''
  }
  return [
    `${report.map} has drifted from the database:`,
    ...section('Tables not in the map', drift.tablesAdded),
    ...section(
      'Columns the map does not classify',
      drift.columnsUnclassified.map(c => `${c.table}.${c.column} (${c.type})${guess(c.table, c.column)}`),
    ),
    ...section('Tables the map names that no longer exist', drift.tablesDropped),
    ...section(
      'Columns the map names that no longer exist',
      drift.columnsDropped.map(c => `${c.table}.${c.column}`),
    ),
    ...section(
      'Looks renamed',
      drift.renamedLooking.map(r => `${r.table}: ${r.from} → ${r.to}`),
    ),
    ...section(
      'References to things that no longer exist',
      drift.brokenReferences.map(p => `${p.line ? `line ${p.line} ` : ''}${p.path}: ${p.message}`),
    ),
  ].join('\n')
}

import {plural} from './words.js'

type Details = Record<string, unknown>

const num = (value: unknown) => (typeof value === 'number' ? value : 0)
const text = (value: unknown) => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value))

function tablesTouched(details: Details): string {
  const tables = (details.tables ?? {}) as Record<string, {action?: string; rows?: number} | number>
  const entries = Object.entries(tables)
  const rows = entries.reduce((sum, [, t]) => sum + (typeof t === 'number' ? t : num(t.rows)), 0)
  return `${plural(rows, 'row')} in ${plural(entries.length, 'table')}`
}

function people(details: Details): string {
  const subjects = details.subjects as unknown[] | undefined
  return subjects ? plural(subjects.length, 'person', 'people') : `a person (by ${text(details.subject_column ?? details.lookup_column)})`
}

const SUMMARIES: Record<string, (d: Details) => string> = {
  'request.opened': d => `${text(d.kind)} request received ${text(d.received_on)}, due ${text(d.due_on)}${d.reference ? ` (ref ${text(d.reference)})` : ''}`,
  'request.extended': d => `extended by ${plural(num(d.months), 'month')}, now due ${text(d.due_on)}: ${text(d.reason)}`,
  'request.closed': d => `closed: ${text(d.outcome)}`,
  'export.created': d =>
    `exported ${people(d)}: ${plural(num(d.rows), 'row')} from ${plural(num(d.tables), 'table')} of ${text(d.database)} (${text(d.format)}${d.encrypted ? ', encrypted' : ''})`,
  'erasure.executed': d =>
    `erased ${people(d)}: ${tablesTouched(d)}${(d.skipped as unknown[] | undefined)?.length ? `; skipped ${(d.skipped as string[]).join(', ')}` : ''}${d.log_lines ? `; ${plural(num(d.log_lines), 'log line')} redacted` : ''}`,
  'restriction.created': d =>
    `restricted ${text(d.restriction)} (${text(d.reason)}): ${plural(num(d.rows_added), 'row')}${d.legal_hold ? ', legal hold' : ''}${d.enforced ? ', enforced' : ''}`,
  'restriction.extended': d => `restriction ${text(d.restriction)} now covers ${plural(num(d.rows_added), 'more row')}`,
  'restriction.lifted': d =>
    `lifted ${text(d.restriction)}, approved by ${text(d.approved_by)} (${text(d.evidence)})${d.legal_hold_released ? '; legal hold released' : ''}`,
  'restriction.bypassed': d => `${text(d.operation)} on restricted row ${text(d.table)} ${text(d.pk)} with a bypass: ${text(d.reason)}`,
  'snapshot.created': d => `${text(d.kind)} ${text(d.name ?? d.addon)} of ${text(d.database)} taken for a ${text(d.purpose) || 'legal hold'}`,
  'retention.started': d => `retention run ${text(d.run)} started`,
  'retention.batch': d =>
    `retention run ${text(d.run)}: ${text(d.action) === 'delete' ? 'deleted' : 'anonymised'} ${plural(num(d.rows), 'row')} of ${text(d.table)}`,
  'retention.finished': d => `retention run ${text(d.run)} finished: ${tablesTouched(d)}`,
  reconciliation: d =>
    `re-applied ${plural((d.applied as unknown[] | undefined)?.length ?? 0, 'event')} to ${text(d.target)} (data from ${text(d.since).slice(0, 16).replace('T', ' ')})${(d.mismatches as unknown[] | undefined)?.length ? `; ${plural((d.mismatches as unknown[]).length, 'row')} now someone else's, not applied` : ''}`,
}

/**
 * One line saying what a ledger event recorded, for people reading
 * `privacy:ledger`; the details themselves are in --json. Unknown actions
 * (from a newer version) fall back to their keys.
 */
export function summarizeEvent(action: string, details: Details): string {
  const summary = SUMMARIES[action]
  if (summary) return summary(details)
  const keys = Object.keys(details)
  return keys.length === 0 ? '' : keys.join(', ')
}

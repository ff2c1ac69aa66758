import type {PointInTime} from '../../lib/reconcile/point-in-time.js'
import type {ReplayReport} from '../../lib/reconcile/replay.js'
import type {Say} from './say.js'

export function renderReapply(say: Say, report: ReplayReport, since: PointInTime): void {
  say.log(`${report.target} holds data from ${since.at.toISOString()} (${since.source}).`)
  for (const warning of report.warnings) say.warn(warning)
  for (const a of report.applied)
    say.log(`${report.dryRun ? 'Would re-apply' : 'Re-applied'} event ${a.seq} ${a.action}${a.requestId ? ` (${a.requestId})` : ''}: ${a.rows} rows`)
  if (report.alreadyReconciled.length > 0) say.log(`Already reconciled before: events ${report.alreadyReconciled.join(', ')}.`)
  for (const m of report.mismatches)
    say.log(`NOT applied: event ${m.seq} — ${m.table} row ${m.pk} now belongs to someone else (fingerprint mismatch); check it by hand.`)
  if (report.applied.length === 0 && report.mismatches.length === 0) say.log('Nothing to re-apply.')
}

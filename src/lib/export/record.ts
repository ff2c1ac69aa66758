import type {LedgerContext} from '../ledger/context.js'
import {appendEvent} from '../ledger/events.js'
import {LedgerHead, formatHead} from '../ledger/head.js'
import type {ExportSummary} from './export-subjects.js'

/** Records a written archive in the ledger (the people as fingerprints, the archive by its checksum); returns the new head. */
export async function recordExport(
  ctx: LedgerContext,
  input: {requestId: string | null; subjects: Array<{column: string; fingerprint: string}>; database: string; summary: ExportSummary},
): Promise<LedgerHead> {
  const {summary} = input
  const event = await appendEvent(ctx, {
    action: 'export.created',
    requestId: input.requestId,
    details: {
      subjects: input.subjects.map(s => ({lookup_column: s.column, fingerprint: s.fingerprint})),
      database: input.database,
      tables: summary.tables,
      rows: summary.rows,
      archive_sha256: summary.sha256,
      format: summary.format,
      encrypted: summary.encrypted,
    },
  })
  return formatHead(event)
}

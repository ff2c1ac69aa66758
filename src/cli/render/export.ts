import type {ExportAcrossApps} from '../../lib/export/across-apps.js'
import type {DataclipQuery} from '../../lib/export/dataclip.js'
import type {ExportResult} from '../../lib/export/export-people.js'
import {describeUnlinked} from '../../lib/locate/unlinked.js'
import {formatBytes} from '../../lib/ui/key-values.js'
import type {Say} from './say.js'

/** The archive's size and checksum, as the person who receives it can check them. */
function archiveFacts(summary: {bytes: number; sha256: string; encrypted: boolean}): string {
  return `${formatBytes(summary.bytes)}, sha256 ${summary.sha256.slice(0, 16)}…${summary.encrypted ? ' (encrypted)' : ''}`
}

export function renderExport(say: Say, result: ExportResult, mapFile: string): void {
  say.log(`Wrote ${result.path}: ${result.rows} rows from ${result.tables} tables, ${archiveFacts(result)}`)
  const unreviewed = result.art15.unreviewed
  if (unreviewed.length > 0)
    say.warn(
      `index.html repeats ${unreviewed.length} guess(es) of privacy:scan still marked review: true in ${mapFile} (${unreviewed.slice(0, 3).join(', ')}${unreviewed.length > 3 ? ', …' : ''}); review them (privacy:check lists them) before sending the archive.`,
    )
  if (result.art15.unstated.length > 0)
    say.warn(`${mapFile} does not state ${result.art15.unstated.join(', ')} for every exported table; index.html says "not stated" there.`)
  say.log(`Snapshot taken at ${result.snapshotAt}. The person can open index.html inside it; check it with \`heroku privacy:verify ${result.path}\`.`)
  for (const line of result.unlinked ? describeUnlinked(result.unlinked) : []) say.warn(line)
}

export function renderExportAcrossApps(say: Say, summary: ExportAcrossApps): void {
  for (const app of summary.apps) say.log(`${app.app}/: ${app.rows} rows from ${app.tables} tables of ${app.database}, snapshot taken at ${app.snapshotAt}`)
  for (const app of summary.apps.filter(a => a.unreviewed.length > 0 || a.unstated.length > 0))
    say.warn(
      `${app.app}'s map leaves facts unstated or unreviewed (${[...app.unstated, ...app.unreviewed].slice(0, 3).join(', ')}); its index.html says so. Review them (privacy:check) before sending the archive.`,
    )
  say.log(
    `Wrote ${summary.path}: ${summary.rows} rows from ${summary.tables} files across ${summary.apps.length} apps, ${archiveFacts(summary)}. Check it with \`heroku privacy:verify ${summary.path}\`.`,
  )
}

export function renderDataclips(say: Say, queries: DataclipQuery[]): void {
  say.log('-- Paste each query into a new dataclip at https://data.heroku.com/dataclips (Heroku has no API to create them).')
  for (const query of queries) say.log(`\n-- ${query.table}${query.omitted.length > 0 ? ` (left out: ${query.omitted.join(', ')})` : ''}\n${query.sql}`)
}

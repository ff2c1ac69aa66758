import {existsSync} from 'node:fs'

import {ExitCode, PrivacyError} from '../errors.js'
import type {LedgerContext} from '../ledger/context.js'
import {fingerprint, ledgerKey} from '../ledger/fingerprint.js'
import {currentHead} from '../ledger/head.js'
import {getRequest} from '../ledger/requests.js'
import {UnlinkedCheck, describeUnlinked, findUnlinked} from '../locate/unlinked.js'
import {ExportInput, ExportSummary, exportSubjects} from './export-subjects.js'
import {recordExport} from './record.js'

export interface ExportPeopleInput extends Omit<ExportInput, 'request' | 'fingerprint' | 'pseudonymKey' | 'ledgerHead' | 'notCovered'> {
  /** The ledger the export is recorded in; its key fingerprints the people and pseudonymises everyone else. */
  ledger: LedgerContext
  /** The request the export answers, recorded in the ledger and the manifest. */
  requestId: string | null
  /** How long to look for the people in rows the map does not link to them, before exporting; 0 or absent skips it. */
  locateBudgetMs?: number
}

export interface ExportResult extends ExportSummary {
  /** The ledger's head after the export's event. */
  ledgerHead: string
  /** Where the people appear outside what the map links to them (null when not searched). */
  unlinked: UnlinkedCheck | null
}

/**
 * `privacy:export` for one database: looks for the people outside the map
 * (what it finds is listed as not covered), writes the archive from one
 * snapshot, and records it in the ledger by its checksum.
 */
export async function exportPeople(input: ExportPeopleInput): Promise<ExportResult> {
  const {ledger, requestId, locateBudgetMs, ...options} = input
  if (requestId) await getRequest(ledger, requestId)
  const key = await ledgerKey(ledger.pool, ledger.scope)
  const written = async () => {
    const unlinked = locateBudgetMs
      ? await findUnlinked({
          pool: input.pool,
          mapFile: input.mapFile,
          subjects: input.subjects,
          kinds: input.kinds,
          budgetMs: locateBudgetMs,
          progress: input.progress,
        })
      : null
    const summary = await exportSubjects({
      ...options,
      request: requestId,
      fingerprint: (column, value) => fingerprint(key, column, value),
      pseudonymKey: key,
      ledgerHead: await currentHead(ledger.pool),
      notCovered: unlinked ? describeUnlinked(unlinked) : [],
    })
    return {unlinked, summary}
  }
  const {unlinked, summary} = await written().catch(error => {
    throw unfinished(error, input.out)
  })
  const ledgerHead = await recordExport(ledger, {
    requestId,
    subjects: input.subjects.map(s => ({column: s.column, fingerprint: fingerprint(key, s.column, s.value)})),
    database: input.database,
    summary,
  })
  return {...summary, ledgerHead, unlinked}
}

/** An export that failed part-way says that no archive was written, and what is left on disk. */
export function unfinished(error: unknown, out: string): unknown {
  // A refusal or a usage error is the answer itself; any other failure interrupted the export.
  if (!(error instanceof Error) || (error instanceof PrivacyError && error.exitCode !== ExitCode.error)) return error
  const left = existsSync(`${out}.partial`) ? `only the incomplete ${out}.partial is left` : `${out}.partial was removed`
  const message = `The export did not finish, so no archive was written to ${out} (${left}): ${error.message}`
  return error instanceof PrivacyError ? Object.assign(error, {message}) : new PrivacyError(message, {code: 'export_unfinished', cause: error})
}

import {existsSync} from 'node:fs'
import {rename, rm} from 'node:fs/promises'

import type pg from 'pg'

import {ExitCode, PrivacyError} from '../errors.js'
import type {LedgerContext} from '../ledger/context.js'
import {fingerprint, ledgerKey} from '../ledger/fingerprint.js'
import {LedgerHead, currentHead} from '../ledger/head.js'
import {AppStatus, ScopeApp, recordAppDone} from '../ledger/request-apps.js'
import type {PrivacyRequest} from '../ledger/requests.js'
import {en} from './i18n/en.js'
import {ArchivePart, ManifestApp, combineParts} from './combine.js'
import {assertAgeRecipient, encryptFile} from './encrypt.js'
import {unfinished} from './export-people.js'
import {ExportInput, ExportSummary, exportSubjects} from './export-subjects.js'
import {hashFile} from './hash-file.js'
import {recordExport} from './record.js'

/** One app of the request, opened for reading: its database (or a follower) and its own ledger. */
export interface ExportSource {
  pool: pg.Pool
  database: string
  ledger: LedgerContext
  /** Its ledger is the request's ledger database, so its export event can name the request. */
  holdsRequest: boolean
  close(): Promise<void>
}

export type ExportOptions = Pick<ExportInput, 'subjects' | 'kinds' | 'format' | 'locale' | 'tool' | 'allowIncomplete' | 'progress'>

export interface ExportAcrossAppsInput extends ExportOptions {
  request: PrivacyRequest & {apps: AppStatus[]}
  requestLedger: LedgerContext
  openApp: (scope: ScopeApp) => Promise<ExportSource>
  out: string
  force?: boolean
  encryptTo?: string
  allowPlaintext?: boolean
}

export interface ExportAcrossApps {
  path: string
  format: 'json' | 'csv'
  encrypted: boolean
  request: string
  bytes: number
  sha256: string
  tables: number
  rows: number
  apps: Array<ManifestApp & {unstated: string[]; unreviewed: string[]}>
  /** The request ledger's head after every app's export was recorded on it. */
  ledgerHead: LedgerHead | null
}

/**
 * One archive for a request across apps: each app exported as a single-app
 * export does (its own snapshot, map and key), into `<app>/` of one zip with a
 * top-level manifest listing every app, database and file. Each app's export
 * is recorded in its own ledger, then on the request.
 */
export function exportAcrossApps(input: ExportAcrossAppsInput): Promise<ExportAcrossApps> {
  return writeAcrossApps(input).catch(error => {
    throw unfinished(error, input.out)
  })
}

async function writeAcrossApps(input: ExportAcrossAppsInput): Promise<ExportAcrossApps> {
  if (existsSync(input.out) && !input.force) {
    throw new PrivacyError(`${input.out} already exists.`, {code: 'output_exists'})
  }
  if (input.encryptTo) assertAgeRecipient(input.encryptTo)
  const sources = new Map<string, ExportSource>()
  const parts: Array<ArchivePart & {summary: ExportSummary}> = []
  const combined = `${input.out}.partial`
  try {
    for (const scope of input.request.apps) {
      sources.set(
        scope.app,
        await input.openApp(scope).catch(error => {
          const known = error instanceof PrivacyError ? error : undefined
          throw new PrivacyError(`${scope.app}: ${(error as Error).message} No archive was written.`, {
            code: known?.code ?? 'error',
            exitCode: known?.exitCode ?? ExitCode.error,
          })
        }),
      )
    }
    for (const scope of input.request.apps) {
      const source = sources.get(scope.app)!
      input.progress?.({kind: 'step', message: `exporting from ${scope.app}`})
      const key = await ledgerKey(source.ledger.pool, source.ledger.scope)
      const ledgerHead = await currentHead(source.ledger.pool)
      const path = `${input.out}.${scope.app}.part`
      const summary = await exportSubjects({
        pool: source.pool,
        mapFile: scope.map,
        subjects: input.subjects,
        kinds: input.kinds,
        out: path,
        force: true,
        format: input.format,
        app: scope.app,
        database: source.database,
        request: input.request.id,
        fingerprint: (column, value) => fingerprint(key, column, value),
        pseudonymKey: key,
        // The parts are never handed over: the one archive is encrypted (or allowed plain) as a whole.
        allowPlaintext: Boolean(input.encryptTo) || input.allowPlaintext === true,
        locale: input.locale,
        tool: input.tool,
        ledgerHead,
        allowIncomplete: input.allowIncomplete,
        progress: input.progress,
      }).catch(error => {
        if (error instanceof PrivacyError) error.message = `${scope.app}: ${error.message}`
        throw error
      })
      parts.push({app: scope.app, database: source.database, path, snapshotAt: summary.snapshotAt, files: summary.files, ledgerHead, summary})
    }
    await rm(combined, {force: true})
    const manifest = await combineParts(parts, combined, {
      format: 'heroku-privacy-export',
      formatVersion: 1,
      tool: input.tool,
      request: input.request.id,
      dataFormat: input.format,
      ledgerHead: await currentHead(input.requestLedger.pool),
      notCovered: [en.notCovered.backups, en.notCovered.logplex, "each app's own manifest.json lists what else its part does not cover"],
      locale: input.locale ?? 'en',
    })
    if (input.encryptTo) {
      await encryptFile(combined, `${combined}.age`, input.encryptTo).finally(() => rm(combined, {force: true}))
      await rm(input.out, {force: true})
      await rename(`${combined}.age`, input.out)
    } else {
      await rm(input.out, {force: true})
      await rename(combined, input.out)
    }
    const {sha256, bytes} = await hashFile(input.out)
    let ledgerHead: LedgerHead | null = null
    for (const part of parts) {
      const source = sources.get(part.app)!
      const key = await ledgerKey(source.ledger.pool, source.ledger.scope)
      const appHead = await recordExport(source.ledger, {
        requestId: source.holdsRequest ? input.request.id : null,
        subjects: input.subjects.map(s => ({column: s.column, fingerprint: fingerprint(key, s.column, s.value)})),
        database: part.database,
        summary: {...part.summary, path: input.out, sha256, bytes, encrypted: Boolean(input.encryptTo)},
      })
      ledgerHead = await recordAppDone(input.requestLedger, input.request.id, {
        app: part.app,
        step: 'export',
        appLedger: source.ledger.scope,
        appLedgerHead: appHead,
        details: {archive_sha256: sha256, tables: part.files.length, rows: part.files.reduce((sum, f) => sum + f.rows, 0)},
      })
    }
    return {
      path: input.out,
      format: input.format,
      encrypted: Boolean(input.encryptTo),
      request: input.request.id,
      bytes,
      sha256,
      tables: manifest.files.length,
      rows: manifest.files.reduce((sum, f) => sum + f.rows, 0),
      apps: manifest.apps.map(a => ({...a, ...pick(parts.find(p => p.app === a.app)!.summary.art15)})),
      ledgerHead,
    }
  } finally {
    await rm(combined, {force: true})
    for (const part of parts) await rm(part.path, {force: true})
    for (const source of sources.values()) await source.close().catch(() => {})
  }
}

function pick(art15: ExportSummary['art15']): {unstated: string[]; unreviewed: string[]} {
  return {unstated: art15.unstated, unreviewed: art15.unreviewed}
}

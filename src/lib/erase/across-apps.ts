import {ExitCode, PrivacyError} from '../errors.js'
import type {LedgerContext} from '../ledger/context.js'
import {ledgerKey} from '../ledger/fingerprint.js'
import {LedgerHead, headAt} from '../ledger/head.js'
import {AppStatus, ScopeApp, pendingApps, recordAppDone} from '../ledger/request-apps.js'
import type {PrivacyRequest} from '../ledger/requests.js'
import type {RegistryAndLedger} from '../restrict/restrict.js'
import type {SubjectLookup} from '../subject/parse.js'
import type {KindChoice} from '../subject/resolve.js'
import {ErasureReport, EraseInput, eraseSubjects} from './erase.js'

/** One app of the request, opened: its database and its own ledger. */
export interface OpenApp {
  io: RegistryAndLedger
  /** Its ledger is the request's ledger database, so its erasure event can name the request. */
  holdsRequest: boolean
  close(): Promise<void>
}

export type EraseOptions = Pick<EraseInput, 'includeConnect' | 'exceptHeld' | 'unlinkRestrictedShared' | 'lockTimeoutMs' | 'maxUnindexedScanRows' | 'progress'>

export interface EraseAcrossAppsInput {
  request: PrivacyRequest & {apps: AppStatus[]}
  /** Where the request lives: each app's completion is recorded there. */
  requestLedger: LedgerContext
  /** Opens one app (resolve, connect, check it can be erased, open its ledger); called for every app not done before any is erased. */
  openApp: (scope: ScopeApp) => Promise<OpenApp>
  subjects: SubjectLookup[]
  kinds?: KindChoice
  dryRun: boolean
  options: EraseOptions
}

export interface AppErasure {
  app: string
  map: string
  /** done before this run; erased (or planned, in a dry run) now; failed; or not reached after a failure. */
  status: 'already-done' | 'erased' | 'planned' | 'failed' | 'not-reached'
  report: ErasureReport | null
  /** The head of the app's own ledger after its erasure event. */
  appLedgerHead: LedgerHead | null
  error: string | null
}

export interface ErasureAcrossApps {
  request: string
  dryRun: boolean
  apps: AppErasure[]
  done: string[]
  notDone: string[]
  /** The request ledger's head after the last completion recorded. */
  ledgerHead: LedgerHead | null
}

/**
 * Erases a request's person app by app: each app in its own transaction with
 * its own event in its own ledger (as a single-app erasure does), then the
 * app's completion recorded on the request. Apps already done are skipped, so
 * running it again after a failure finishes only the rest. Every app still to
 * do is opened and checked before the first is erased.
 */
export async function eraseAcrossApps(input: EraseAcrossAppsInput): Promise<ErasureAcrossApps> {
  if (input.request.kind !== 'erasure') {
    throw new PrivacyError(
      `${input.request.id} is ${input.request.kind === 'access' ? 'an' : 'a'} ${input.request.kind} request; erasing across its apps needs an erasure request (open one with --kind erasure). Nothing was changed.`,
      {code: 'request_not_erasure', exitCode: ExitCode.refused},
    )
  }
  const todo = pendingApps(input.request.apps)
  const opened = new Map<string, OpenApp>()
  const apps: AppErasure[] = input.request.apps.map(s => ({
    app: s.app,
    map: s.map,
    status: s.done ? 'already-done' : 'not-reached',
    report: null,
    appLedgerHead: null,
    error: null,
  }))
  let ledgerHead: LedgerHead | null = null
  try {
    for (const scope of todo) {
      opened.set(
        scope.app,
        await input.openApp(scope).catch(error => {
          const known = error instanceof PrivacyError ? error : undefined
          throw new PrivacyError(`${scope.app}: ${(error as Error).message} Nothing was erased in this run.`, {
            code: known?.code ?? 'error',
            exitCode: known?.exitCode ?? ExitCode.error,
          })
        }),
      )
    }
    for (const scope of todo) {
      const entry = apps.find(a => a.app === scope.app)!
      const app = opened.get(scope.app)!
      try {
        const report = await eraseSubjects({
          ...input.options,
          pool: app.io.registry,
          mapFile: scope.map,
          subjects: input.subjects,
          kinds: input.kinds,
          requestId: app.holdsRequest ? input.request.id : null,
          dryRun: input.dryRun,
          key: await ledgerKey(app.io.ledger.pool, app.io.ledger.scope),
          ledger: app.io.ledger,
          sameDatabase: app.io.sameDatabase,
        })
        entry.report = report
        entry.status = input.dryRun ? 'planned' : 'erased'
        if (input.dryRun) continue
        entry.appLedgerHead = await headAt(app.io.ledger.pool, report.ledgerEvent)
        ledgerHead = await recordAppDone(input.requestLedger, input.request.id, {
          app: scope.app,
          step: 'erasure',
          appLedger: app.io.ledger.scope,
          appLedgerHead: entry.appLedgerHead,
          details: {subjects: report.subjects, statements: report.statements, rows: Object.values(report.touched).reduce((sum, n) => sum + n, 0)},
        })
      } catch (error) {
        const committed = entry.report !== null && !input.dryRun
        entry.status = 'failed'
        entry.error = committed
          ? `the erasure was committed (ledger event ${entry.report!.ledgerEvent} of ${app.io.ledger.scope}), but recording it on the request failed: ${(error as Error).message}`
          : `its transaction was rolled back: ${(error as Error).message}`
        throw incomplete(input.request.id, apps, error)
      }
    }
  } finally {
    for (const app of opened.values()) await app.close().catch(() => {})
  }
  return summarise(input.request.id, input.dryRun, apps, ledgerHead)
}

function summarise(request: string, dryRun: boolean, apps: AppErasure[], ledgerHead: LedgerHead | null): ErasureAcrossApps {
  const done = apps.filter(a => a.status === 'already-done' || a.status === 'erased').map(a => a.app)
  return {request, dryRun, apps, done, notDone: apps.map(a => a.app).filter(app => !done.includes(app)), ledgerHead}
}

/** A failure in one app: which apps are done, which are not, and how to finish. */
function incomplete(request: string, apps: AppErasure[], error: unknown): PrivacyError {
  const result = summarise(request, false, apps, null)
  const failed = apps.find(a => a.status === 'failed')!
  const cause = /[.!?]$/.test(failed.error ?? '') ? failed.error : `${failed.error}.`
  const code = error instanceof PrivacyError && error.exitCode !== ExitCode.ok ? error.exitCode : ExitCode.error
  return new PrivacyError(
    `Erasing ${request} in ${failed.app} failed; ${cause} Done: ${result.done.join(', ') || 'none'}. Not done: ${result.notDone.join(', ')}. Fix the cause and run the same command again: it erases only the apps not done.`,
    {code: 'request_apps_incomplete', exitCode: code, result: {erasure: result}},
  )
}

import {existsSync} from 'node:fs'

import {diffMapAgainstSchema} from '../datamap/diff.js'
import {loadDataMap} from '../datamap/load.js'
import {reviewMarks} from '../datamap/processing.js'
import type {Database, DatabaseTarget} from '../db/connection.js'
import {introspect} from '../db/introspect.js'
import {PrivacyError} from '../errors.js'
import type {HerokuApi} from '../heroku/api.js'
import {describeHerokuFailure} from '../heroku/describe-failure.js'
import {resolveDatabase, targetOf} from '../heroku/resolve-database.js'
import type {LedgerContext} from '../ledger/context.js'
import {listEvents} from '../ledger/events.js'
import {listRequests} from '../ledger/requests.js'
import {listSnapshots} from '../reconcile/snapshots.js'
import {CheckContext, databaseUsesTls, gatherDatabase, gatherPlatform, hasPostgres} from './context.js'
import {Finding, RuleOutcome, Severity, atOrAbove} from './findings.js'
import {runRules} from './rules.js'

export interface CheckInput {
  api: HerokuApi
  apps: string[]
  /** privacy.yml; rules that need it are skipped (and say so) when it is missing. */
  mapFile?: string
  connect: (target: DatabaseTarget) => Promise<Database>
  only?: string[]
  skip?: string[]
  maxAdmins?: number
  concurrency?: number
  now: Date
}

export interface CheckReport {
  apps: string[]
  outcomes: RuleOutcome[]
  findings: Finding[]
  notes: string[]
}

async function checkOne(input: CheckInput, appName: string): Promise<RuleOutcome[]> {
  const context: CheckContext = {...(await gatherPlatform(input.api, appName, input.now)), maxAdmins: input.maxAdmins ?? 3}
  const database = hasPostgres(context) ? await resolveDatabase(input.api, {app: appName}).catch(() => undefined) : undefined
  if (database) context.database = await gatherDatabase(input.api, database)
  if (input.mapFile && existsSync(input.mapFile)) {
    const loaded = await loadDataMap(input.mapFile)
    context.map = loaded.map
    context.mapReview = reviewMarks(loaded).map(mark => ({...mark, file: loaded.file}))
  }
  if (database && context.database) {
    const db = await input.connect(targetOf(database))
    try {
      context.database.tls = /^(localhost|127\.|\[?::1)/.test(new URL(database.url).hostname) ? undefined : await databaseUsesTls(db.pool)
      if (context.map) {
        context.schema = await introspect(db.pool)
        context.drift = diffMapAgainstSchema(context.map, context.schema)
      }
      const {
        rows: [ledger],
      } = await db.pool.query<{exists: boolean}>(
        "SELECT to_regclass('heroku_privacy.events') IS NOT NULL AND to_regclass('heroku_privacy.requests') IS NOT NULL AS exists",
      )
      if (ledger?.exists) {
        const ctx: LedgerContext = {pool: db.pool, scope: appName, actor: 'privacy:check', clock: () => input.now}
        context.requests = await listRequests(ctx)
        context.events = await listEvents(db.pool, {scope: appName, actionPrefix: 'restriction.'})
        context.snapshots = await listSnapshots(input.api, database, ctx)
      }
    } finally {
      await db.close()
    }
  }
  return runRules(context, input.only, input.skip)
}

/**
 * Runs every rule on every app, a few apps at a time. An app that cannot be
 * read (no access, gone) is reported as a finding and the others go on.
 */
export async function checkApps(input: CheckInput): Promise<CheckReport> {
  const outcomes: RuleOutcome[] = []
  const queue = [...input.apps]
  const workers = Array.from({length: Math.min(input.concurrency ?? 4, queue.length)}, async () => {
    for (let app = queue.shift(); app !== undefined; app = queue.shift()) {
      try {
        outcomes.push(...(await checkOne(input, app)))
      } catch (error) {
        const failure = error instanceof PrivacyError ? error : describeHerokuFailure(error, `checking ${app}`)
        outcomes.push({
          rule: 'app-readable',
          title: 'The app can be read',
          app,
          status: 'failed',
          findings: [
            {
              rule: 'app-readable',
              app,
              severity: 'error',
              message: failure.message,
              evidence: 'API or database call failed',
              fix: 'Check the app name and your access to it.',
            },
          ],
        })
      }
    }
  })
  await Promise.all(workers)
  outcomes.sort((a, b) => a.app.localeCompare(b.app))
  const mapless = [...new Set(outcomes.filter(o => o.status === 'skipped' && o.reason?.startsWith('no data map')).map(o => o.rule))]
  const notes =
    mapless.length > 0 && (!input.mapFile || !existsSync(input.mapFile))
      ? [
          `No data map: the ${mapless.slice(0, -1).join(', ')}${mapless.length > 1 ? ' and ' : ''}${mapless.at(-1)} rules were skipped (write one with privacy:scan).`,
        ]
      : []
  notes.push(...outcomes.flatMap(o => (o.notes ?? []).map(note => `${o.app}: ${note}`)))
  return {apps: input.apps, outcomes, findings: outcomes.flatMap(o => o.findings), notes}
}

export function failsAt(report: CheckReport, threshold: Severity): Finding[] {
  return report.findings.filter(f => atOrAbove(f.severity, threshold))
}

import {existsSync} from 'node:fs'

import {flags as herokuFlags} from '@heroku-cli/command'
import {Flags} from '@oclif/core'

import {ExitCode, PrivacyError} from '../lib/errors.js'
import {get} from '../lib/heroku/api.js'
import {resolveDatabase} from '../lib/heroku/resolve-database.js'
import {AppStatus, ScopeApp, mapPathFor, scopeWithMaps} from '../lib/ledger/request-apps.js'
import {PrivacyRequest, getRequest} from '../lib/ledger/requests.js'
import type {ExportSource} from '../lib/export/across-apps.js'
import {LedgerFlags, OpenLedger, openLedger} from './ledger.js'
import {Opener, resolveTarget} from './target.js'

/** -a repeated for a request across apps, or --team for every app of a team that has a map. */
export const scopeFlags = {
  app: herokuFlags.app({
    description: "app whose database to use; repeat for a request across several apps (the first app's ledger keeps the request)",
    multiple: true,
  }),
  team: Flags.string({
    description: 'a request across every app of this team that has a map (privacy.<app>.yml beside --map)',
    // A relation, not `exclusive`: oclif's usage line would show -a, --database and --database-url as alternatives to each other too.
    relationships: [{type: 'none', flags: ['app', 'database', 'database-url']}],
  }),
}

/** The apps -a named: oclif hands a default (HEROKU_APP, the git remote) over as one string even for a repeatable flag. */
export function appsOf(app: string[] | string | undefined): string[] {
  return typeof app === 'string' ? [app] : (app ?? [])
}

/**
 * The apps a request across apps covers, each with its map and a database
 * checked to exist, or null for a request about one app (handled as before).
 * Nothing is recorded until every app passes.
 */
export async function resolveScope(
  flags: {app?: string[]; team?: string; map: string; database?: string; 'database-url'?: string},
  opener: Pick<Opener, 'api'>,
): Promise<ScopeApp[] | null> {
  const apps = appsOf(flags.app)
  if (!flags.team && apps.length <= 1) return null
  if (flags.database || flags['database-url']) {
    throw new PrivacyError("A request across apps uses each app's own DATABASE_URL; leave out --database and --database-url.", {
      code: 'usage',
      exitCode: ExitCode.usage,
    })
  }
  const api = opener.api()
  const named = flags.team ? await teamAppsWithMaps(api, flags.team, flags.map) : apps
  const scope = scopeWithMaps(named, flags.map)
  for (const {app} of scope) await resolveDatabase(api, {app})
  return scope
}

async function teamAppsWithMaps(api: ReturnType<Opener['api']>, team: string, mapFlag: string): Promise<string[]> {
  const apps = (await get<Array<{name: string}>>(api, `/teams/${encodeURIComponent(team)}/apps`)).map(a => a.name).sort()
  const mapped = apps.filter(app => existsSync(mapPathFor(app, mapFlag)))
  if (mapped.length === 0) {
    throw new PrivacyError(
      `None of team ${team}'s ${apps.length} apps has a map beside ${mapFlag} (privacy.<app>.yml); write them with \`heroku privacy:scan -a APP --out ${mapPathFor('APP', mapFlag)}\`.`,
      {code: 'no_map', exitCode: ExitCode.usage},
    )
  }
  return mapped
}

export interface RequestAcrossApps {
  ledger: OpenLedger
  request: PrivacyRequest & {apps: AppStatus[]}
}

/** Flags a single-app command has that mean nothing for a request across apps, where each app is reached through its own DATABASE_URL. */
const SINGLE_APP_ONLY = ['database', 'database-url', 'ledger-database', 'include-logs', 'locate', 'from-follower', 'format=dataclip'] as const

/**
 * The request --request names, when it covers several apps (with the ledger
 * that keeps it, to close when done); null for a request about one app, which
 * the command then handles as it always has.
 */
export async function openRequestAcrossApps(
  flags: LedgerFlags & {request?: string; [flag: string]: unknown},
  opener: Opener,
): Promise<RequestAcrossApps | null> {
  if (!flags.request) return null
  const ledger = await openLedger(flags, opener)
  try {
    const request = await getRequest(ledger.ctx, flags.request)
    if (!request.apps) {
      await ledger.close()
      return null
    }
    const given = SINGLE_APP_ONLY.filter(flag => {
      const [name, value] = flag.split('=')
      return value === undefined ? flags[name!] !== undefined && flags[name!] !== false : flags[name!] === value
    })
    if (given.length > 0) {
      throw new PrivacyError(
        `${request.id} covers ${request.apps.map(a => a.app).join(', ')}, each through its own DATABASE_URL and map; --${given.join(', --')} work${given.length === 1 ? 's' : ''} only for a request about one app.`,
        {code: 'usage', exitCode: ExitCode.usage},
      )
    }
    return {ledger, request: request as RequestAcrossApps['request']}
  } catch (error) {
    await ledger.close()
    throw error
  }
}

/**
 * One app of a request across apps, opened for reading: its database and its
 * own ledger (in --ledger-url when given, where the request is kept too).
 */
export async function openAppForReading(
  opener: Opener,
  app: string,
  flags: {'ledger-url'?: string; actor?: string},
  requestLedger: OpenLedger,
): Promise<ExportSource> {
  const main = await resolveTarget({app}, opener)
  const ledger = await openLedger({app, 'ledger-url': flags['ledger-url'], actor: flags.actor}, opener, main)
  const source = await opener.connect(main.target).catch(async error => {
    await ledger.close()
    throw error
  })
  return {
    pool: source.pool,
    database: main.target.label,
    ledger: ledger.ctx,
    holdsRequest: flags['ledger-url'] !== undefined || app === requestLedger.ctx.scope,
    close: () => source.close().finally(() => ledger.close()),
  }
}

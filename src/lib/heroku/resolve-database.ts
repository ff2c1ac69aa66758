type CliUtil = typeof import('@heroku/heroku-cli-util/utils')
import type {APIClient} from '@heroku-cli/command'

import type {Bastion} from '../db/tunnel.js'
import type {DatabaseTarget} from '../db/connection.js'
import {PrivacyError} from '../errors.js'
import {HerokuApi, HerokuApiError, dataApiPath, get} from './api.js'
import {describeHerokuFailure} from './describe-failure.js'
import type {AddonAttachment, HerokuApp} from './types.js'
import {asSeamError, plainMessage, statusOf, utilApiClient} from './util-client.js'

export const POSTGRES_SERVICE = 'heroku-postgresql'

/** A Heroku Postgres database picked by --app/--database, with the URL to reach it. */
export interface HerokuDatabase {
  app: HerokuApp
  attachment: AddonAttachment
  /** `app::ATTACHMENT`: how the database is named in messages; never the URL. */
  label: string
  configVar: string
  url: string
  /** The bastion a Private or Shield database is reached through; null when it is reachable directly. */
  bastion: Bastion | null
}

export interface ResolveDatabaseOptions {
  app: string
  /** What `heroku pg:*` accepts: DATABASE, DATABASE_URL, HEROKU_POSTGRESQL_RED, otherapp::DATABASE, an add-on name. */
  database?: string
}

export function splitAppNamespace(app: string, database: string): {app: string; database: string} {
  const match = /^(.+?)::(.+)$/.exec(database)
  return match ? {app: match[1]!, database: match[2]!} : {app, database}
}

/** What a command connects to for a resolved database: its URL, its label and its bastion. */
export function targetOf(database: HerokuDatabase): DatabaseTarget {
  return {url: database.url, label: database.label, bastion: database.bastion}
}

export async function fetchApp(api: HerokuApi, app: string): Promise<HerokuApp> {
  try {
    return await get<HerokuApp>(api, `/apps/${encodeURIComponent(app)}`)
  } catch (error) {
    if (error instanceof HerokuApiError && (error.status === 404 || error.status === 403)) {
      throw new PrivacyError(`Couldn't find app ${app}, or your account cannot access it. Check the name with \`heroku apps\`.`, {code: 'app_not_found'})
    }
    throw describeHerokuFailure(error, `reading app ${app}`)
  }
}

const tierOf = (attachment: AddonAttachment) => attachment.addon.plan.name.split(':', 2)[1] ?? ''

/** Private plans get their bastion from the Data API; Shield plans from the app's config vars. */
const isPrivatePlan = (attachment: AddonAttachment) => tierOf(attachment).startsWith('private')
const isShieldPlan = (util: CliUtil, attachment: AddonAttachment) =>
  tierOf(attachment).includes('shield') || util.isPrivateNetworkDatabase(attachment.addon as never)

async function fetchBastion(api: HerokuApi, attachment: AddonAttachment, label: string): Promise<Bastion | null> {
  try {
    const body = await get<{host?: string; private_key?: string}>(api, dataApiPath(`/databases/${encodeURIComponent(attachment.addon.id)}/bastion`), {
      service: 'data',
    })
    return body.host && body.private_key ? {host: body.host, privateKey: body.private_key, source: 'data-api'} : null
  } catch (error) {
    if (error instanceof HerokuApiError && error.status === 403) {
      throw new PrivacyError(
        `Your Heroku account cannot see the Private Space that ${label} lives in (403), so it gets no bastion to reach it. Ask an admin of the space (or its team) for access.`,
        {code: 'space_forbidden'},
      )
    }
    if (error instanceof HerokuApiError && error.status === 404) return null
    throw describeHerokuFailure(error, `reading the bastion of ${label}`)
  }
}

function noBastion(database: {label: string; configVar: string; app: string}, shield: boolean): PrivacyError {
  const where = shield
    ? `${database.app}'s config vars hold no ${database.configVar.replace(/_URL$/, '')}_BASTIONS and ${database.configVar.replace(/_URL$/, '')}_BASTION_KEY`
    : 'Heroku gave no bastion for it'
  return new PrivacyError(
    `${database.label} is in a ${shield ? 'Shield ' : ''}Private Space and reachable only through its bastion, but ${where}. Run the command on a one-off dyno in the space instead: heroku run -a ${database.app} -- heroku-privacy …`,
    {code: 'no_bastion'},
  )
}

/** The heroku CLI's resolver speaks in plain Errors; each becomes one of our lines with what to do next. */
function describeResolverFailure(util: CliUtil, error: unknown, app: string, database: string): Error {
  if (error instanceof PrivacyError) return error
  if (error instanceof util.AmbiguousError) {
    const names = (error.matches as Array<{name: string; app?: {name?: string}}>).map(m => `${m.app?.name ?? app}::${m.name}`).join(', ')
    return new PrivacyError(`${database} matches several databases on ${app} (${names}).`, {code: 'ambiguous_database'})
  }
  const message = plainMessage(error)
  if (error instanceof util.NotFound) return new PrivacyError(`Unknown database ${database} on ${app}.`, {code: 'database_not_found'})
  if (/ has no databases$/.test(message)) {
    return new PrivacyError(`${app} has no Heroku Postgres databases. Add one with \`heroku addons:create heroku-postgresql -a ${app}\`.`, {
      code: 'no_database',
    })
  }
  const unknown = /^Unknown database: (.+?)\. Valid options are: (.+)$/.exec(message)
  if (unknown) return new PrivacyError(`Unknown database ${unknown[1]} on ${app}. Valid options are: ${unknown[2]}.`, {code: 'database_not_found'})
  if (/^No config vars found for /.test(message) || /^Database URL not found/.test(message)) {
    return new PrivacyError(
      `${app}::${database} has no database URL yet; it may still be provisioning. Wait with \`heroku addons:wait -a ${app}\` and try again.`,
      {code: 'not_provisioned'},
    )
  }
  if (statusOf(error).status !== undefined)
    return describeHerokuFailure(asSeamError(error, {method: 'POST', path: '/actions/addon-attachments/resolve'}), `resolving ${app}::${database}`)
  return error instanceof Error ? error : new Error(message)
}

/**
 * Resolves --app/--database with the heroku CLI's own resolver
 * (`DatabaseResolver` of @heroku/heroku-cli-util: the attachment resolver,
 * the config-var fallback, app::DB, ambiguity), and finds the bastion of a
 * Private (Data API) or Shield (config vars) database.
 */
export async function resolveDatabase(api: HerokuApi, options: ResolveDatabaseOptions): Promise<HerokuDatabase> {
  const {app: appName, database} = splitAppNamespace(options.app, options.database ?? 'DATABASE_URL')
  const app = await fetchApp(api, appName)
  // Loaded on first use, so commands that never resolve a database start faster.
  const util = await import('@heroku/heroku-cli-util/utils')
  // Config vars are read through the seam on every resolution: the library's
  // own cache lives as long as the process, and add-ons come and go meanwhile.
  const configs = new Map<string, Promise<Record<string, string>>>()
  const getConfig = (_heroku: APIClient, appId: string): Promise<Record<string, string>> => {
    if (!configs.has(appId)) configs.set(appId, get<Record<string, string>>(api, `/apps/${encodeURIComponent(appId)}/config-vars`))
    return configs.get(appId)!
  }
  const resolver = new util.DatabaseResolver(utilApiClient(api), getConfig, async () => ({}))
  let details: Awaited<ReturnType<typeof resolver.getDatabase>>
  try {
    details = await resolver.getDatabase(app.name, database)
  } catch (error) {
    throw describeResolverFailure(util, error, app.name, database)
  }
  const attachment = details.attachment as unknown as AddonAttachment
  const config = await getConfig(undefined as never, attachment.app.name)
  const configVar = util.getConfigVarNameFromAttachment(details.attachment!, config)
  const label = `${attachment.app.name}::${attachment.name}`
  let bastion: Bastion | null =
    details.bastionHost && details.bastionKey ? {host: details.bastionHost, privateKey: details.bastionKey, source: 'config-vars'} : null
  if (!bastion && isPrivatePlan(attachment)) bastion = await fetchBastion(api, attachment, label)
  if (!bastion && (isPrivatePlan(attachment) || isShieldPlan(util, attachment))) {
    throw noBastion({label, configVar, app: attachment.app.name}, isShieldPlan(util, attachment))
  }
  return {app, attachment, label, configVar, url: details.url, bastion}
}

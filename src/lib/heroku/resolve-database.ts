import {ExitCode, PrivacyError} from '../errors.js'
import {HerokuApi, HerokuApiError, SDK_HEADERS, get, post} from './api.js'
import {describeHerokuFailure} from './describe-failure.js'
import type {AddonAttachment, HerokuApp} from './types.js'

export const POSTGRES_SERVICE = 'heroku-postgresql'

/** A Heroku Postgres database picked by --app/--database, with the URL to reach it. */
export interface HerokuDatabase {
  app: HerokuApp
  attachment: AddonAttachment
  /** `app::ATTACHMENT`: how the database is named in messages; never the URL. */
  label: string
  configVar: string
  url: string
}

export interface ResolveDatabaseOptions {
  app: string
  /** What `heroku pg:*` accepts: DATABASE, DATABASE_URL, HEROKU_POSTGRESQL_RED, otherapp::DATABASE, an add-on name. */
  database?: string
}

const isPostgresUrl = (value: unknown): value is string => typeof value === 'string' && /^postgres(ql)?:\/\//.test(value)

const isPostgresAttachment = (attachment: AddonAttachment) =>
  attachment.addon?.plan?.name?.startsWith(`${POSTGRES_SERVICE}:`) ?? false

export function splitAppNamespace(app: string, database: string): {app: string; database: string} {
  const match = /^(.+?)::(.+)$/.exec(database)
  return match ? {app: match[1]!, database: match[2]!} : {app, database}
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

async function listPostgresAttachments(api: HerokuApi, app: string): Promise<AddonAttachment[]> {
  const attachments = await get<AddonAttachment[]>(api, `/apps/${encodeURIComponent(app)}/addon-attachments`, {headers: SDK_HEADERS})
  return attachments.filter(attachment => isPostgresAttachment(attachment))
}

function noDatabases(app: string): PrivacyError {
  return new PrivacyError(`${app} has no Heroku Postgres databases. Add one with \`heroku addons:create heroku-postgresql -a ${app}\`, or point at any Postgres with --database-url.`, {code: 'no_database'})
}

async function unknownDatabase(api: HerokuApi, app: string, database: string): Promise<PrivacyError> {
  const attachments = await listPostgresAttachments(api, app)
  if (attachments.length === 0) return noDatabases(app)
  const names = [...new Set(attachments.map(a => a.name))].sort()
  return new PrivacyError(`Unknown database ${database} on ${app}. Valid options are: ${names.join(', ')}.`, {code: 'database_not_found'})
}

function pickOne(matches: AddonAttachment[], app: string, database: string): AddonAttachment | undefined {
  if (matches.length <= 1) return matches[0]
  const unnamespaced = matches.filter(m => m.namespace === null)
  const candidates = unnamespaced.length > 0 ? unnamespaced : matches
  const sameAddon = candidates.every(c => c.addon.id === candidates[0]!.addon.id && c.app.id === candidates[0]!.app.id)
  if (sameAddon) return candidates[0]
  const names = candidates.map(c => `${c.app.name}::${c.name}`).join(', ')
  throw new PrivacyError(`${database} matches several databases on ${app} (${names}). Name one with --database.`, {code: 'ambiguous_database', exitCode: ExitCode.usage})
}

async function resolveAttachment(api: HerokuApi, app: string, database: string): Promise<AddonAttachment> {
  let matches: AddonAttachment[]
  try {
    matches = await post<AddonAttachment[]>(api, '/actions/addon-attachments/resolve', {addon_attachment: database, app}, {headers: SDK_HEADERS})
  } catch (error) {
    if (error instanceof HerokuApiError && error.status === 404) {
      return resolveFromConfigVars(api, app, database)
    }
    throw describeHerokuFailure(error, `resolving ${app}::${database}`)
  }
  const postgres = matches.filter(attachment => isPostgresAttachment(attachment))
  const chosen = pickOne(postgres, app, database)
  if (!chosen) throw await unknownDatabase(api, app, database)
  return chosen
}

/**
 * The heroku CLI's fallback when the API cannot resolve a name: a config var
 * (e.g. DATABASE_URL pointing at HEROKU_POSTGRESQL_RED) is matched by value.
 */
async function resolveFromConfigVars(api: HerokuApi, app: string, database: string): Promise<AddonAttachment> {
  const attachments = await listPostgresAttachments(api, app)
  if (attachments.length === 0) throw noDatabases(app)
  const config = await get<Record<string, string | null>>(api, `/apps/${encodeURIComponent(app)}/config-vars`)
  const wanted = config[database.endsWith('_URL') ? database : `${database}_URL`]
  const matches = wanted ? attachments.filter(a => urlVarsOf(a).some(v => config[v] === wanted)) : []
  const chosen = pickOne(matches, app, database)
  if (!chosen) throw await unknownDatabase(api, app, database)
  return chosen
}

function urlVarsOf(attachment: AddonAttachment): string[] {
  const vars = attachment.config_vars ?? []
  return [`${attachment.name}_URL`, ...vars.filter(v => v.endsWith('_URL'))]
}

export async function resolveDatabase(api: HerokuApi, options: ResolveDatabaseOptions): Promise<HerokuDatabase> {
  const {app: appName, database} = splitAppNamespace(options.app, options.database ?? 'DATABASE_URL')
  const app = await fetchApp(api, appName)
  const attachment = await resolveAttachment(api, app.name, database)
  const config = await get<Record<string, string | null>>(api, `/apps/${encodeURIComponent(attachment.app.name)}/config-vars`)
    .catch(error => {
      throw describeHerokuFailure(error, `reading config vars of ${attachment.app.name}`)
    })
  const label = `${attachment.app.name}::${attachment.name}`
  const configVar = urlVarsOf(attachment).find(name => isPostgresUrl(config[name]))
  if (!configVar) {
    throw new PrivacyError(`${label} has no database URL yet; it may still be provisioning. Wait with \`heroku addons:wait ${attachment.addon.name} -a ${attachment.app.name}\` and try again.`, {code: 'not_provisioned'})
  }
  return {app, attachment, label, configVar, url: config[configVar] as string}
}

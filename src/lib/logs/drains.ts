import {HerokuApi, HerokuApiError, get} from '../heroku/api.js'
import type {HerokuApp, HerokuSpace} from '../heroku/types.js'
import {PrivacyError, refused, usageError} from '../errors.js'
import {redactSecrets} from '../redact.js'
import {isLoopbackHost} from '../loopback.js'

export interface LogDrain {
  id: string
  /** The drain URL with its credentials hidden. */
  url: string
  token: string
  createdAt: string
  /** Set for drains an add-on created (they go when the add-on goes). */
  addon: string | null
}

interface DrainBody {
  id: string
  url: string
  token: string
  created_at: string
  addon?: {name: string} | null
}

/** Where an app's logs can go, which depends on its generation and space. */
export interface LoggingFacts {
  app: string
  generation: string
  space: {name: string; shield: boolean; spaceLogging: boolean} | null
  /** What the admin should know, one sentence each. */
  notes: string[]
}

/** A drain URL the receiver can trust: HTTPS (plain http only to this machine), with credentials unless explicitly not. */
export function checkDrainUrl(text: string, options: {allowNoAuth: boolean}): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw usageError("--url is not a URL; give the receiver's address, e.g. https://user:password@logs.example.com/drain.")
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw usageError(`The drain must use https:// (logs hold personal data; plain ${url.protocol}// is allowed only to localhost).`)
  }
  if ((!url.username || !url.password) && !options.allowNoAuth) {
    throw usageError(
      'The drain URL has no credentials, so anyone could write to the receiver; add user:password@ (as privacy:logs:serve --auth expects) or pass --no-auth to accept that.',
    )
  }
  return url
}

function generationOf(app: HerokuApp): string {
  const generation = app.generation
  if (!generation) return 'cedar'
  return typeof generation === 'string' ? generation : generation.name
}

export async function loggingFacts(api: HerokuApi, appName: string): Promise<LoggingFacts> {
  const app = await get<HerokuApp>(api, `/apps/${encodeURIComponent(appName)}`)
  const generation = generationOf(app)
  const notes: string[] = []
  let space: LoggingFacts['space'] = null
  if (app.space) {
    const details = await get<HerokuSpace>(api, `/spaces/${encodeURIComponent(app.space.id)}`)
    space = {name: details.name, shield: details.shield, spaceLogging: Boolean(details.log_drain_url)}
    if (space.spaceLogging) {
      notes.push(
        `${space.name} uses Private Space Logging: every app's logs go to the space's drain (${redactSecrets(details.log_drain_url ?? '')}), and apps cannot have drains of their own. Point it at the receiver with \`heroku spaces:drains:set URL --space ${space.name}\`.`,
      )
    } else if (space.shield) {
      notes.push(
        `${space.name} is a Shield space: Heroku keeps its apps' logs for about a week as for any app; Private Space Logging (heroku spaces:drains:set) can send all of them to one drain instead.`,
      )
    }
  }
  if (generation === 'fir') {
    notes.push(
      `${app.name} is a Fir-generation app: its logs leave through OpenTelemetry telemetry drains (heroku telemetry:add), not Logplex drains, and privacy:logs:serve speaks Logplex's drain protocol — send them through an OpenTelemetry collector that writes to a store you can search and expire.`,
    )
  }
  notes.push('Logplex itself keeps about a week of recent lines (heroku logs); they cannot be searched per person or erased, only left to expire.')
  return {app: app.name, generation, space, notes}
}

const drainOf = (body: DrainBody): LogDrain => ({
  id: body.id,
  url: redactSecrets(body.url),
  token: body.token,
  createdAt: body.created_at,
  addon: body.addon?.name ?? null,
})

/** Adds an HTTPS log drain, after making sure the app can have one. */
export async function addLogDrain(api: HerokuApi, input: {app: string; url: string; allowNoAuth: boolean}): Promise<{drain: LogDrain; facts: LoggingFacts}> {
  checkDrainUrl(input.url, {allowNoAuth: input.allowNoAuth})
  const facts = await loggingFacts(api, input.app)
  if (facts.generation === 'fir')
    throw refused(
      'fir_app',
      facts.notes.find(n => n.includes('Fir-generation'))!,
    )
  if (facts.space?.spaceLogging) throw refused('space_logging', facts.notes[0]!)
  try {
    const body = await api.request<DrainBody>({method: 'POST', path: `/apps/${encodeURIComponent(input.app)}/log-drains`, body: {url: input.url}})
    return {drain: drainOf(body), facts}
  } catch (error) {
    if (error instanceof HerokuApiError && error.status === 422) {
      throw refused('drain_refused', `Heroku refused the drain: ${redactSecrets(error.message)}`)
    }
    throw error
  }
}

export async function listLogDrains(api: HerokuApi, app: string): Promise<{drains: LogDrain[]; facts: LoggingFacts}> {
  const [drains, facts] = await Promise.all([get<DrainBody[]>(api, `/apps/${encodeURIComponent(app)}/log-drains`), loggingFacts(api, app)])
  return {drains: drains.map(drainOf), facts}
}

/** Finds a drain by id, token or URL (credentials may be left out of the URL) and removes it unless dryRun. */
export async function removeLogDrain(api: HerokuApi, input: {app: string; drain: string; dryRun?: boolean}): Promise<LogDrain> {
  const drains = await get<DrainBody[]>(api, `/apps/${encodeURIComponent(input.app)}/log-drains`)
  const wanted = redactSecrets(input.drain)
  const found = drains.find(
    d =>
      d.id === input.drain || d.token === input.drain || d.url === input.drain || redactSecrets(d.url) === wanted || withoutCredentials(d.url) === input.drain,
  )
  if (!found) {
    throw new PrivacyError(`${input.app} has no log drain ${wanted}; see its drains with heroku privacy:logs:drain:list -a ${input.app}.`, {
      code: 'drain_not_found',
    })
  }
  if (found.addon) throw refused('addon_drain', `That drain belongs to the add-on ${found.addon.name}; it goes when the add-on is removed.`)
  if (!input.dryRun) await api.request({method: 'DELETE', path: `/apps/${encodeURIComponent(input.app)}/log-drains/${encodeURIComponent(found.id)}`})
  return drainOf(found)
}

function withoutCredentials(text: string): string {
  try {
    const url = new URL(text)
    url.username = ''
    url.password = ''
    return url.toString()
  } catch {
    return text
  }
}

import {createReadStream} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {IncomingMessage, Server, ServerResponse, createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {PostgresServer} from '../postgres-server.js'
import {SimBastion} from './bastion.js'
import {registerDataRoutes} from './data-routes.js'
import {
  SimAccount,
  SimAddon,
  SimApp,
  SimAttachment,
  SimCollaborator,
  SimDatabase,
  SimSchedule,
  SimSpace,
  SimTeamMember,
  SimTransfer,
  colorFor,
  newId,
} from './model.js'
import {registerPlatformRoutes} from './platform-routes.js'
import {PostgresOps} from './postgres-ops.js'
import {bastionKind, publishedUrl} from './private-network.js'
import {Router, SimError, SimRequest, SimResponse, isResponse} from './router.js'
import {PlatformSchemaValidator} from './schema-validator.js'

export interface InjectedFailure {
  method?: string
  path: RegExp
  status: number
  times: number
  id?: string
  message?: string
}

export interface LoggedRequest {
  method: string
  path: string
  status: number
  accept?: string
}

const SCHEMA_URL = new URL('platform-api/schema.json', import.meta.url)
let validator: PlatformSchemaValidator | undefined

/**
 * A local stand-in for the Heroku Platform API and the Heroku Postgres Data
 * API on 127.0.0.1. Every Platform API request is checked against the
 * published schema; add-ons are real databases on the harness's server.
 */
export class HerokuSimulator {
  readonly apiKey: string
  readonly account: SimAccount
  readonly apps: SimApp[] = []
  readonly spaces: SimSpace[] = []
  readonly addons: SimAddon[] = []
  readonly attachments: SimAttachment[] = []
  readonly transfers: SimTransfer[] = []
  readonly schedules: SimSchedule[] = []
  /** Team members by team name, with their two-factor status (GET /teams/{team}/members). */
  readonly teams = new Map<string, SimTeamMember[]>()
  readonly requests: LoggedRequest[] = []
  readonly failures: InjectedFailure[] = []
  /** When set, every backup fails with this message (to test how failures are handled). */
  backupFailure: string | null = null
  /** Pending background work (backups); awaited on stop so nothing outlives the simulator. */
  readonly pending = new Set<Promise<unknown>>()

  private server?: Server
  private port = 0
  private readonly router = new Router()
  private colorIndex = 0

  private constructor(
    readonly ops: PostgresOps,
    private readonly workDir: string,
    readonly bastion: SimBastion,
    options: {apiKey: string; accountEmail: string},
  ) {
    this.apiKey = options.apiKey
    this.account = {id: newId(), email: options.accountEmail, name: 'Simulated Admin', twoFactor: true}
    validator ??= new PlatformSchemaValidator(SCHEMA_URL)
    registerPlatformRoutes(this.router, this)
    registerDataRoutes(this.router, this)
  }

  static async start(postgres: PostgresServer, options: {apiKey?: string; accountEmail?: string} = {}): Promise<HerokuSimulator> {
    const workDir = await mkdtemp(join(tmpdir(), 'heroku-sim-'))
    const sim = new HerokuSimulator(new PostgresOps(postgres, workDir), workDir, await SimBastion.start(), {
      apiKey: options.apiKey ?? `sim-${newId()}`,
      accountEmail: options.accountEmail ?? 'admin@example.com',
    })
    await sim.listen()
    return sim
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get backupDir(): string {
    return this.workDir
  }

  /** The environment a heroku CLI (or this plugin) needs to talk to the simulator. */
  cliEnv(): Record<string, string> {
    return {
      HEROKU_HOST: this.url,
      HEROKU_DATA_HOST: '127.0.0.1',
      HEROKU_API_KEY: this.apiKey,
      HEROKU_PARTICLEBOARD_URL: this.url,
      DISABLE_TELEMETRY: 'true',
      HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
      HEROKU_DISABLE_AUTOUPDATE: 'true',
      HIDE_HEROKU_RELEASE_NOTES: 'true',
    }
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error => {
        this.send(res, {status: 500, body: {id: 'internal_server_error', message: String(error?.message ?? error)}})
      })
    })
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve))
    const address = this.server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.pending])
    await this.bastion.stop()
    await new Promise<void>(resolve => {
      this.server?.closeAllConnections()
      this.server?.close(() => resolve())
    })
    for (const addon of this.addons) {
      if (addon.database && !addon.database.followerOf) await this.ops.dropDatabase(addon.database.databaseName).catch(() => {})
    }
    for (const transfer of this.transfers) {
      if (transfer.copyDatabase) await this.ops.dropDatabase(transfer.copyDatabase).catch(() => {})
    }
    await this.ops.close()
    await rm(this.workDir, {recursive: true, force: true})
  }

  /** Make the next `times` matching requests fail with `status` (429 and 5xx for retry tests). */
  failNext(failure: Omit<InjectedFailure, 'times'> & {times?: number}): void {
    this.failures.push({times: 1, ...failure})
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work)
    work.finally(() => this.pending.delete(work)).catch(() => {})
    return work
  }

  // ---- world building -------------------------------------------------

  createSpace(input: {name: string; shield?: boolean; region?: string; logDrainUrl?: string; accountCanSee?: boolean}): SimSpace {
    const space = {
      id: newId(),
      name: input.name,
      shield: input.shield ?? false,
      region: input.region ?? 'virginia',
      logDrainUrl: input.logDrainUrl ?? null,
      accountCanSee: input.accountCanSee ?? true,
    }
    this.spaces.push(space)
    return space
  }

  createApp(input: {
    name: string
    region?: string
    generation?: 'cedar' | 'fir'
    team?: string
    space?: SimSpace
    collaborators?: Array<Partial<SimCollaborator> & {email: string}>
  }): SimApp {
    const app: SimApp = {
      id: newId(),
      name: input.name,
      // An app in a Private Space runs in the space's region.
      region: input.space?.region ?? input.region ?? 'us',
      generation: input.generation ?? 'cedar',
      ownerEmail: input.team ? `${input.team}@herokumanager.com` : this.account.email,
      team: input.team ?? null,
      spaceId: input.space?.id ?? null,
      createdAt: new Date().toISOString(),
      config: {},
      collaborators: (input.collaborators ?? []).map(c => ({
        id: newId(),
        role: 'member',
        twoFactor: true,
        federated: false,
        permissions: ['view', 'deploy', 'operate'],
        ...c,
      })),
      drains: [],
    }
    this.apps.push(app)
    if (input.team) {
      const members = this.teams.get(input.team) ?? [{email: this.account.email, role: 'admin', twoFactor: this.account.twoFactor, federated: false}]
      for (const c of app.collaborators) {
        if (c.role !== 'collaborator' && !members.some(m => m.email === c.email))
          members.push({email: c.email, role: c.role === 'admin' ? 'admin' : 'member', twoFactor: c.twoFactor, federated: c.federated})
      }
      this.teams.set(input.team, members)
    }
    return app
  }

  /** Provisions a Heroku Postgres add-on backed by a new real database, attached as DATABASE and its color. */
  async addPostgres(
    app: SimApp,
    input: {plan?: string; name?: string; as?: string; highAvailability?: boolean; continuousProtection?: boolean} = {},
  ): Promise<SimAddon> {
    const addon = this.newPostgresAddon(app, input)
    addon.database = await this.ops.createDatabase(`sim_${addon.name.replace(/-/g, '_')}`)
    addon.database.highAvailability = input.highAvailability ?? false
    addon.database.continuousProtection = input.continuousProtection ?? !addon.plan.includes('essential')
    this.attachDefaults(app, addon, input.as)
    return addon
  }

  newPostgresAddon(app: SimApp, input: {plan?: string; name?: string}): SimAddon {
    const colorName = colorFor(this.colorIndex++)
    const addon: SimAddon = {
      id: newId(),
      name: input.name ?? `postgresql-${app.name.split('-')[0]}-${10000 + ((this.addons.length * 7919) % 90000)}`,
      appId: app.id,
      plan: input.plan ?? 'heroku-postgresql:standard-0',
      state: 'provisioned',
      createdAt: new Date().toISOString(),
      database: null,
      colorName,
    }
    this.addons.push(addon)
    return addon
  }

  /** An add-on that is not Postgres (Key-Value Store, Kafka, Connect…): listed and attached, with no database behind it. */
  addOtherAddon(app: SimApp, plan: string, attachmentName: string): SimAddon {
    const addon: SimAddon = {
      id: newId(),
      name: `${plan.split(':')[0]}-${app.name}-${this.addons.length + 1}`,
      appId: app.id,
      plan,
      state: 'provisioned',
      createdAt: new Date().toISOString(),
      database: null,
      colorName: attachmentName,
    }
    this.addons.push(addon)
    this.attach(app, addon, attachmentName)
    return addon
  }

  attachDefaults(app: SimApp, addon: SimAddon, as?: string): void {
    const hasDatabase = this.attachments.some(a => a.appId === app.id && a.name === 'DATABASE')
    if (as) this.attach(app, addon, as)
    else if (!hasDatabase) this.attach(app, addon, 'DATABASE')
    this.attach(app, addon, addon.colorName)
  }

  attach(app: SimApp, addon: SimAddon, name: string, namespace: string | null = null): SimAttachment {
    const attachment = {id: newId(), name, appId: app.id, addonId: addon.id, namespace, createdAt: new Date().toISOString()}
    this.attachments.push(attachment)
    if (addon.database) {
      app.config[`${name}_URL`] = publishedUrl(this, addon)
      if (bastionKind(this, addon) === 'config-vars') {
        app.config[`${name}_BASTIONS`] = this.bastion.host
        app.config[`${name}_BASTION_KEY`] = this.bastion.keyFor(this.appById(addon.appId).spaceId!)
      }
    }
    return attachment
  }

  /** A URL that reaches the database directly, for tests and seeding (not what Heroku hands out for a Private or Shield database). */
  databaseUrl(addon: SimAddon): string {
    if (!addon.database) throw new Error(`${addon.name} has no database`)
    return this.ops.urlFor(addon.database)
  }

  // ---- lookups used by the routes -------------------------------------

  findApp(identity: string): SimApp {
    const app = this.apps.find(a => a.name === identity || a.id === identity)
    if (!app) throw new SimError(404, 'not_found', "Couldn't find that app.", {resource: 'app'})
    return app
  }

  findAddon(identity: string, app?: SimApp): SimAddon {
    const addon = this.addons.find(
      a =>
        (a.id === identity || a.name === identity) &&
        a.state !== 'deprovisioned' &&
        (!app || a.appId === app.id || this.attachments.some(t => t.addonId === a.id && t.appId === app.id)),
    )
    if (!addon) throw new SimError(404, 'not_found', "Couldn't find that add on.", {resource: 'add_on'})
    return addon
  }

  appById(id: string): SimApp {
    return this.apps.find(a => a.id === id)!
  }

  addonById(id: string): SimAddon {
    return this.addons.find(a => a.id === id)!
  }

  // ---- HTTP -------------------------------------------------------------

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? ''
    if (header.startsWith('Bearer ')) return header.slice(7) === this.apiKey
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
      return decoded.slice(decoded.indexOf(':') + 1) === this.apiKey
    }
    return false
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    if (!text) return undefined
    try {
      return JSON.parse(text)
    } catch {
      throw new SimError(400, 'bad_request', 'Request body is not valid JSON.')
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = (req.method ?? 'GET').toUpperCase()
    const path = url.pathname
    const accept = typeof req.headers.accept === 'string' ? req.headers.accept : undefined
    let response: SimResponse
    try {
      response = await this.respond(req, method, path, url.searchParams)
    } catch (error) {
      response =
        error instanceof SimError
          ? {status: error.status, body: {id: error.id, message: error.message, ...error.extra}}
          : {status: 500, body: {id: 'internal_server_error', message: String((error as Error)?.message ?? error)}}
    }
    this.requests.push({method, path, status: response.status, accept})
    this.send(res, response)
  }

  private async respond(req: IncomingMessage, method: string, path: string, query: URLSearchParams): Promise<SimResponse> {
    const body = await this.readBody(req)
    const isDownload = path.startsWith('/sim/')
    if (!isDownload && !this.authorized(req)) {
      throw new SimError(401, 'unauthorized', 'Invalid credentials provided.')
    }
    const failure = this.failures.find(f => f.times > 0 && f.path.test(path) && (!f.method || f.method === method))
    if (failure) {
      failure.times--
      throw new SimError(
        failure.status,
        failure.id ?? (failure.status === 429 ? 'rate_limit' : 'internal_server_error'),
        failure.message ?? (failure.status === 429 ? 'Your account reached the API rate limit.' : 'Internal server error.'),
      )
    }
    const isDataApi = path.startsWith('/client/') || path.startsWith('/postgres/') || isDownload
    if (!isDataApi) {
      const verdict = validator!.validate(method, path, asPublishedSchemaExpects(method, path, body))
      if (!verdict.ok) throw new SimError(verdict.status, verdict.id, verdict.message)
    }
    const match = this.router.match(method, path)
    if (!match) throw new SimError(404, 'not_found', `The simulator does not serve ${method} ${path}.`)
    const request: SimRequest = {method, path, query, params: match.params, body, headers: req.headers}
    const result = await match.handler(request)
    return isResponse(result) ? result : {status: method === 'POST' ? 201 : 200, body: result}
  }

  private send(res: ServerResponse, response: SimResponse): void {
    if (response.file) {
      res.writeHead(response.status, {'Content-Type': 'application/octet-stream', ...response.headers})
      createReadStream(response.file).pipe(res)
      return
    }
    const text = response.body === undefined ? '' : JSON.stringify(response.body)
    res.writeHead(response.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Request-Id': newId(),
      'RateLimit-Remaining': '4500',
      ...response.headers,
    })
    res.end(text)
  }
}

/**
 * The heroku CLI sends a few bodies in shapes the published schema does not
 * describe but the real API accepts; they are checked in the schema's shape.
 */
function asPublishedSchemaExpects(method: string, path: string, body: unknown): unknown {
  if (method === 'POST' && /^\/apps\/[^/]+\/addons$/.test(path) && body && typeof body === 'object') {
    const plan = (body as {plan?: unknown}).plan
    if (plan && typeof plan === 'object' && typeof (plan as {name?: unknown}).name === 'string') return {...body, plan: (plan as {name: string}).name}
  }
  return body
}

export type {SimDatabase}

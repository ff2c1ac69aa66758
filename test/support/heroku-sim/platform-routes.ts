import {SimAddon, newId} from './model.js'
import {Router, SimError} from './router.js'
import {addonJson, appJson, attachmentJson, collaboratorJson, drainJson, releaseJson, spaceJson, teamMemberJson} from './serialize.js'
import type {HerokuSimulator} from './simulator.js'
import {attachmentConfigVars} from './private-network.js'

const POSTGRES_PREFIX = 'heroku-postgresql:'

function resolveAttachments(sim: HerokuSimulator, identity: string, appName?: string) {
  const app = appName ? sim.findApp(appName) : undefined
  const candidates = sim.attachments.filter(a => !app || a.appId === app.id)
  const byName = candidates.filter(a => a.name === identity || `${a.name}_URL` === identity)
  if (byName.length > 0) return byName
  return candidates.filter(a => {
    const addon = sim.addonById(a.addonId)
    return addon.state !== 'deprovisioned' && (addon.name === identity || addon.id === identity)
  })
}

export function registerPlatformRoutes(router: Router, sim: HerokuSimulator): void {
  router
    .on('GET', '/account', () => ({
      id: sim.account.id,
      email: sim.account.email,
      name: sim.account.name,
      two_factor_authentication: sim.account.twoFactor,
      verified: true,
      allow_tracking: false,
      beta: false,
      created_at: new Date(0).toISOString(),
      updated_at: new Date(0).toISOString(),
      last_login: new Date().toISOString(),
      federated: false,
      default_organization: null,
      default_team: null,
      identity_provider: null,
      sms_number: null,
      suspended_at: null,
      delinquent_at: null,
    }))
    .on('GET', '/apps', () => sim.apps.map(app => appJson(sim, app)))
    .on('GET', '/users/:user/apps', ({params}) => {
      if (params.user !== '~' && params.user !== sim.account.email && params.user !== sim.account.id)
        throw new SimError(403, 'forbidden', 'You do not have access to that user.')
      const teams = new Set([...sim.teams].filter(([, members]) => members.some(m => m.email === sim.account.email)).map(([team]) => team))
      return sim.apps
        .filter(app => app.ownerEmail === sim.account.email || (app.team && teams.has(app.team)) || app.collaborators.some(c => c.email === sim.account.email))
        .map(app => appJson(sim, app))
    })
    .on('GET', '/teams/:team/members', ({params}) => {
      const members = sim.teams.get(params.team!)
      if (!members) throw new SimError(404, 'not_found', "Couldn't find that team.", {resource: 'team'})
      return members.map(member => teamMemberJson(member))
    })
    .on('GET', '/teams/permissions', () => ['view', 'deploy', 'operate', 'manage'].map(name => ({name, description: `can ${name}`})))
    .on('GET', '/apps/:app/releases', ({params}) => {
      const app = sim.findApp(params.app!)
      return [releaseJson(sim, app, 1, 'Initial release'), releaseJson(sim, app, 2, 'Set DATABASE_URL config vars')]
    })
    .on('GET', '/addons/:addon/addon-attachments', ({params}) => {
      const addon = sim.findAddon(params.addon!)
      return sim.attachments.filter(a => a.addonId === addon.id).map(a => attachmentJson(sim, a))
    })
    .on('GET', '/apps/:app', ({params}) => appJson(sim, sim.findApp(params.app!)))
    .on('GET', '/teams/:team/apps', ({params}) => {
      const apps = sim.apps.filter(a => a.team === params.team)
      if (apps.length === 0) throw new SimError(404, 'not_found', "Couldn't find that team.", {resource: 'team'})
      return apps.map(app => appJson(sim, app))
    })
    .on('GET', '/spaces/:space', ({params}) => {
      const space = sim.spaces.find(s => s.id === params.space || s.name === params.space)
      if (!space) throw new SimError(404, 'not_found', "Couldn't find that space.", {resource: 'space'})
      if (!space.accountCanSee) throw new SimError(403, 'forbidden', `You do not have access to the space ${space.name}.`)
      return spaceJson(space)
    })
    .on('GET', '/apps/:app/config-vars', ({params}) => sim.findApp(params.app!).config)
    .on('GET', '/apps/:app/dynos', ({params}) => {
      sim.findApp(params.app!)
      return []
    })
    .on('GET', '/apps/:app/collaborators', ({params}) => {
      const app = sim.findApp(params.app!)
      return app.collaborators.map(c => collaboratorJson(app, c))
    })
    .on('GET', '/apps/:app/pipeline-couplings', ({params}) => {
      sim.findApp(params.app!)
      throw new SimError(404, 'not_found', "Couldn't find that pipeline coupling.", {resource: 'pipeline_coupling'})
    })
    .on('GET', '/apps/:app/addon-attachments', ({params}) => {
      const app = sim.findApp(params.app!)
      return sim.attachments.filter(a => a.appId === app.id).map(a => attachmentJson(sim, a))
    })
    .on('GET', '/addon-attachments', () => sim.attachments.map(a => attachmentJson(sim, a)))
    .on('GET', '/addons', () => sim.addons.filter(a => a.state !== 'deprovisioned').map(a => addonJson(sim, a)))
    .on('POST', '/actions/addon-attachments/resolve', ({body}) => {
      const {addon_attachment: identity, app} = body as {addon_attachment: string; app?: string}
      const matches = resolveAttachments(sim, identity, app)
      if (matches.length === 0) throw new SimError(404, 'not_found', "Couldn't find that add on attachment.", {resource: 'add_on attachment'})
      return {status: 200, body: matches.map(a => attachmentJson(sim, a))}
    })
    .on('POST', '/actions/addons/resolve', ({body}) => {
      const {addon: identity, app} = body as {addon: string; app?: string}
      const fromAttachments = resolveAttachments(sim, identity, app).map(a => sim.addonById(a.addonId))
      const addons = [...new Set(fromAttachments)]
      if (addons.length === 0) throw new SimError(404, 'not_found', "Couldn't find that add on.", {resource: 'add_on'})
      return {status: 200, body: addons.map(a => addonJson(sim, a))}
    })
    .on('GET', '/apps/:app/addons', ({params}) => {
      const app = sim.findApp(params.app!)
      const ids = new Set(sim.attachments.filter(a => a.appId === app.id).map(a => a.addonId))
      return sim.addons.filter(a => a.state !== 'deprovisioned' && (a.appId === app.id || ids.has(a.id))).map(a => addonJson(sim, a))
    })
    .on('GET', '/apps/:app/addons/:addon', ({params}) => addonJson(sim, sim.findAddon(params.addon!, sim.findApp(params.app!))))
    .on('GET', '/addons/:addon', ({params}) => addonJson(sim, sim.findAddon(params.addon!)))
    .on('POST', '/apps/:app/addons', async ({params, body}) => {
      const app = sim.findApp(params.app!)
      const input = body as {plan: string | {name: string}; config?: Record<string, string | boolean>; attachment?: {name?: string}; name?: string}
      const plan = typeof input.plan === 'string' ? input.plan : input.plan.name
      if (!plan.startsWith(POSTGRES_PREFIX)) throw new SimError(422, 'invalid_params', `The simulator provisions only ${POSTGRES_PREFIX}* plans.`)
      const source = input.config?.fork ?? input.config?.follow
      if (!source || typeof source !== 'string') {
        return addonJson(sim, await sim.addPostgres(app, {plan, name: input.name, as: input.attachment?.name}))
      }
      const [sourceApp, sourceName] = source.includes('::') ? (source.split('::') as [string, string]) : [app.name, source]
      const sourceAttachment = resolveAttachments(sim, sourceName, sourceApp)[0]
      if (!sourceAttachment) throw new SimError(422, 'invalid_params', `Could not find database ${source} to ${input.config?.fork ? 'fork' : 'follow'}.`)
      const leader = sim.addonById(sourceAttachment.addonId)
      const addon: SimAddon = sim.newPostgresAddon(app, {plan, name: input.name})
      addon.state = 'provisioning'
      const provision = async () => {
        addon.database = input.config?.fork
          ? await sim.ops.forkDatabase(leader.database!, `sim_${addon.name.replace(/-/g, '_')}`, leader.id)
          : await sim.ops.createFollower(leader.database!, leader.id)
        addon.state = 'provisioned'
        sim.attachDefaults(app, addon, input.attachment?.name)
      }
      sim.track(
        provision().catch(() => {
          addon.state = 'deprovisioned'
        }),
      )
      return addonJson(sim, addon)
    })
    .on('DELETE', '/apps/:app/addons/:addon', async ({params}) => {
      const app = sim.findApp(params.app!)
      const addon = sim.findAddon(params.addon!, app)
      addon.state = 'deprovisioned'
      for (const attachment of sim.attachments.filter(a => a.addonId === addon.id)) {
        for (const name of attachmentConfigVars(sim, attachment)) delete sim.appById(attachment.appId).config[name]
      }
      sim.attachments.splice(0, sim.attachments.length, ...sim.attachments.filter(a => a.addonId !== addon.id))
      if (addon.database && !addon.database.followerOf) await sim.ops.dropDatabase(addon.database.databaseName)
      return {status: 200, body: addonJson(sim, addon)}
    })
    .on('GET', '/apps/:app/log-drains', ({params}) => {
      const app = sim.findApp(params.app!)
      return app.drains.map(d => drainJson(app, d))
    })
    .on('POST', '/apps/:app/log-drains', ({params, body}) => {
      const app = sim.findApp(params.app!)
      if (app.generation === 'fir') throw new SimError(422, 'invalid_params', 'Log drains are not supported on Fir-generation apps; use telemetry drains.')
      if (sim.spaces.some(s => s.id === app.spaceId && s.logDrainUrl))
        throw new SimError(422, 'invalid_params', 'Apps in a space with Private Space Logging cannot have log drains.')
      const {url} = body as {url: string}
      if (app.drains.some(d => d.url === url)) throw new SimError(422, 'invalid_params', 'Url has already been taken')
      const drain = {id: newId(), url, token: `d.${newId()}`, createdAt: new Date().toISOString()}
      app.drains.push(drain)
      return drainJson(app, drain)
    })
    .on('DELETE', '/apps/:app/log-drains/:drain', ({params}) => {
      const app = sim.findApp(params.app!)
      const drain = app.drains.find(d => d.id === params.drain || d.url === params.drain || d.token === params.drain)
      if (!drain) throw new SimError(404, 'not_found', "Couldn't find that log drain.", {resource: 'log_drain'})
      app.drains.splice(app.drains.indexOf(drain), 1)
      return {status: 200, body: drainJson(app, drain)}
    })
}

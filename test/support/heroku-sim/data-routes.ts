import {join} from 'node:path'

import {SimAddon, SimTransfer, newId, planLabel} from './model.js'
import {Router, SimError} from './router.js'
import {transferJson} from './serialize.js'
import type {HerokuSimulator} from './simulator.js'
import {bastionKind, publishedUrl} from './private-network.js'

const V11 = '/client/v11'

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`
}

function postgresAddon(sim: HerokuSimulator, identity: string): SimAddon {
  const addon = sim.findAddon(identity)
  if (addon.state === 'provisioning' || !addon.database) throw new SimError(404, 'not_found', 'Database not yet provisioned.')
  return addon
}

async function databaseInfo(sim: HerokuSimulator, addon: SimAddon) {
  const db = addon.database!
  const facts = await sim.ops.databaseFacts(db)
  const app = sim.appById(addon.appId)
  const urlOf = (a: SimAddon) => publishedUrl(sim, a)
  const followers = sim.addons.filter(a => a.state === 'provisioned' && a.database?.followerOf === addon.id)
  const forks = sim.addons.filter(a => a.state === 'provisioned' && a.database?.forkedFrom === addon.id)
  const leader = db.followerOf ? sim.addonById(db.followerOf) : undefined
  const forkedFrom = db.forkedFrom ? sim.addonById(db.forkedFrom) : undefined
  const isEssential = addon.plan.includes('essential')
  const info = [
    {name: 'Plan', values: [planLabel(addon.plan)]},
    {name: 'Status', values: ['Available']},
    {name: 'Connections', values: [`${facts.connections}/120`]},
    {name: 'PG Version', values: [facts.version]},
    {name: 'Created', values: [addon.createdAt.replace('T', ' ').slice(0, 16)]},
    {name: 'Data Size', values: [`${formatSize(facts.bytes)} / 64 GB (In compliance)`]},
    {name: 'Tables', values: [String(facts.tables)]},
    {name: 'Fork/Follow', values: [isEssential ? 'Unsupported' : 'Available']},
    {name: 'Rollback', values: [isEssential ? 'Unsupported' : `earliest from ${addon.createdAt.replace('T', ' ').slice(0, 16)} UTC`]},
    {name: 'Continuous Protection', values: [db.continuousProtection ? 'On' : 'Off']},
    {name: 'Data Encryption', values: ['In Use']},
    {name: 'HA Status', values: db.highAvailability ? ['Available'] : []},
    {name: 'Region', values: [app.region === 'eu' ? 'Europe (eu-west-1)' : 'United States (us-east-1)']},
    {name: 'Followers', values: followers.map(a => urlOf(a)), resolve_db_name: true},
    {name: 'Forks', values: forks.map(a => urlOf(a)), resolve_db_name: true},
    {name: 'Following', values: leader ? [urlOf(leader)] : [], resolve_db_name: true},
    {name: 'Forked From', values: forkedFrom ? [urlOf(forkedFrom)] : [], resolve_db_name: true},
  ]
  return {
    addon_id: addon.id,
    name: addon.name,
    plan: addon.plan.split(':')[1],
    created_at: addon.createdAt,
    database_name: db.databaseName,
    database_user: db.role,
    resource_url: publishedUrl(sim, addon),
    following: leader ? urlOf(leader) : null,
    leader: null,
    forked_from: forkedFrom ? urlOf(forkedFrom) : null,
    num_bytes: facts.bytes,
    num_tables: facts.tables,
    num_connections: facts.connections,
    postgres_version: facts.version,
    'waiting?': false,
    info,
  }
}

/** A backup is a real pg_dump when the machine has one of the server's major version, else a database copy. */
async function runBackup(sim: HerokuSimulator, addon: SimAddon, transfer: SimTransfer): Promise<void> {
  transfer.startedAt = new Date().toISOString()
  try {
    if (sim.backupFailure) throw new Error(sim.backupFailure)
    if (sim.ops.server.clientBinDir) {
      transfer.file = join(sim.backupDir, `${transfer.uuid}.dump`)
      transfer.processedBytes = await sim.ops.dump(addon.database!, transfer.file)
    } else {
      transfer.method = 'database_copy'
      transfer.copyDatabase = `sim_backup_${transfer.num}_${transfer.uuid.slice(0, 8)}`
      await sim.ops.copyDatabase(addon.database!, transfer.copyDatabase)
      transfer.processedBytes = (await sim.ops.databaseFacts({...addon.database!, databaseName: transfer.copyDatabase})).bytes
    }
    transfer.succeeded = true
  } catch (error) {
    transfer.error = String((error as Error).message ?? error)
    transfer.succeeded = false
  } finally {
    transfer.finishedAt = new Date().toISOString()
  }
}

/** The add-on's credentials as `heroku pg:credentials` lists them: the default one, active, and its connection facts. */
function credentials(sim: HerokuSimulator, addon: SimAddon) {
  const url = new URL(publishedUrl(sim, addon))
  return [
    {
      uuid: addon.id,
      name: 'default',
      state: 'active',
      database: decodeURIComponent(url.pathname.slice(1)),
      host: url.hostname,
      port: Number(url.port),
      credentials: [{user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), state: 'active', connections: 0}],
    },
  ]
}

function findTransfer(sim: HerokuSimulator, appIdentity: string, id: string): SimTransfer {
  const app = sim.findApp(appIdentity)
  const transfer = sim.transfers.find(t => t.appId === app.id && (t.uuid === id || String(t.num) === id) && !t.deletedAt)
  if (!transfer) throw new SimError(404, 'not_found', 'Transfer not found.')
  return transfer
}

export function registerDataRoutes(router: Router, sim: HerokuSimulator): void {
  router
    .on('GET', `${V11}/databases/:id`, ({params}) => databaseInfo(sim, postgresAddon(sim, params.id!)))
    .on('GET', `${V11}/databases/:id/bastion`, ({params}) => {
      const addon = postgresAddon(sim, params.id!)
      const space = sim.spaces.find(s => s.id === sim.appById(addon.appId).spaceId)
      if (space && !space.accountCanSee) throw new SimError(403, 'forbidden', `You do not have access to the space ${space.name}.`)
      if (bastionKind(sim, addon) !== 'data-api') throw new SimError(404, 'not_found', 'This database has no bastion.')
      return {host: sim.bastion.host, private_key: sim.bastion.keyFor(space!.id)}
    })
    .on('GET', '/postgres/v0/databases/:id/credentials', ({params}) => credentials(sim, postgresAddon(sim, params.id!)))
    .on('GET', '/postgres/v0/databases/:id/credentials/:name', ({params}) => {
      const addon = postgresAddon(sim, params.id!)
      const credential = credentials(sim, addon).find(c => c.name === params.name)
      if (!credential) throw new SimError(404, 'not_found', `Couldn't find the credential ${params.name}.`)
      return credential
    })
    .on('GET', `${V11}/databases/:id/wait_status`, ({params}) => {
      const addon = sim.findAddon(params.id!)
      const waiting = addon.state === 'provisioning'
      return {'waiting?': waiting, 'error?': addon.state === 'deprovisioned', message: waiting ? 'provisioning' : 'available'}
    })
    .on('POST', `${V11}/databases/:id/backups`, ({params}) => {
      const addon = postgresAddon(sim, params.id!)
      if (addon.database?.followerOf) throw new SimError(422, 'invalid_params', 'Backups of followers are taken from their leader.')
      const attachment = sim.attachments.find(a => a.addonId === addon.id && a.appId === addon.appId)
      const transfer: SimTransfer = {
        uuid: newId(),
        num: sim.transfers.filter(t => t.appId === addon.appId).length + 1,
        appId: addon.appId,
        addonId: addon.id,
        fromName: attachment?.name ?? addon.name,
        toName: 'BACKUP',
        fromType: 'pg_dump',
        toType: 'gof3r',
        method: 'pg_dump',
        file: null,
        copyDatabase: null,
        succeeded: false,
        error: null,
        createdAt: new Date().toISOString(),
        startedAt: null,
        finishedAt: null,
        deletedAt: null,
        processedBytes: 0,
        scheduled: false,
      }
      sim.transfers.push(transfer)
      sim.track(runBackup(sim, addon, transfer))
      return {status: 200, body: transferJson(sim, transfer)}
    })
    .on('POST', `${V11}/databases/:id/restores`, ({params, body}) => {
      const target = postgresAddon(sim, params.id!)
      const url = (body as {backup_url?: string} | undefined)?.backup_url ?? ''
      const source = sim.transfers.find(t => url.endsWith(`/sim/backups/${t.uuid}`) && t.succeeded && !t.deletedAt)
      if (!source) throw new SimError(422, 'invalid_params', 'backup_url does not name a backup of this account.')
      const attachment = sim.attachments.find(a => a.addonId === target.id && a.appId === target.appId)
      const transfer: SimTransfer = {
        ...source,
        uuid: newId(),
        num: sim.transfers.filter(t => t.appId === target.appId).length + 1,
        appId: target.appId,
        addonId: target.id,
        fromName: `b${String(source.num).padStart(3, '0')}`,
        fromType: 'gof3r',
        toName: attachment?.name ?? target.name,
        toType: 'pg_restore',
        file: null,
        copyDatabase: null,
        succeeded: false,
        error: null,
        createdAt: new Date().toISOString(),
        startedAt: new Date().toISOString(),
        finishedAt: null,
        deletedAt: null,
        scheduled: false,
      }
      sim.transfers.push(transfer)
      sim.track(
        (async () => {
          try {
            await sim.ops.restore(target.database!, source, sim.addonById(source.addonId).database!.role)
            transfer.succeeded = true
          } catch (error) {
            transfer.error = String((error as Error).message ?? error)
          } finally {
            transfer.finishedAt = new Date().toISOString()
          }
        })(),
      )
      return {status: 201, body: {uuid: transfer.uuid}}
    })
    .on('GET', `${V11}/apps/:app/transfers`, ({params}) => {
      const app = sim.findApp(params.app!)
      return sim.transfers.filter(t => t.appId === app.id && !t.deletedAt).map(t => transferJson(sim, t))
    })
    .on('GET', `${V11}/apps/:app/transfers/:id`, ({params, query}) =>
      transferJson(sim, findTransfer(sim, params.app!, params.id!), query.get('verbose') === 'true'),
    )
    .on('DELETE', `${V11}/apps/:app/transfers/:id`, async ({params}) => {
      const transfer = findTransfer(sim, params.app!, params.id!)
      transfer.deletedAt = new Date().toISOString()
      if (transfer.copyDatabase) await sim.ops.dropDatabase(transfer.copyDatabase)
      return {status: 200, body: transferJson(sim, transfer)}
    })
    .on('POST', `${V11}/apps/:app/transfers/:id/actions/public-url`, ({params}) => {
      const transfer = findTransfer(sim, params.app!, params.id!)
      if (!transfer.succeeded || !transfer.file) throw new SimError(422, 'invalid_params', 'Only completed pg_dump backups can be downloaded.')
      return {status: 201, body: {url: `${sim.url}/sim/backups/${transfer.uuid}`, expires_at: new Date(Date.now() + 10 * 60_000).toISOString()}}
    })
    .on('GET', '/sim/backups/:uuid', ({params}) => {
      const transfer = sim.transfers.find(t => t.uuid === params.uuid && t.file && !t.deletedAt)
      if (!transfer) throw new SimError(404, 'not_found', 'No such backup.')
      return {status: 200, file: transfer.file!}
    })
    .on('GET', `${V11}/databases/:id/transfer-schedules`, ({params}) => {
      const addon = postgresAddon(sim, params.id!)
      return sim.schedules
        .filter(s => s.addonId === addon.id)
        .map(s => ({
          uuid: s.uuid,
          name: s.name,
          hour: s.hour,
          timezone: s.timezone,
          days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
          retain_weeks: 4,
          retain_months: 0,
          created_at: s.createdAt,
          updated_at: s.createdAt,
        }))
    })
    .on('POST', `${V11}/databases/:id/transfer-schedules`, ({params, body}) => {
      const addon = postgresAddon(sim, params.id!)
      const input = body as {hour?: string; timezone?: string; schedule_name?: string}
      const hour = Number(input?.hour)
      if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new SimError(422, 'invalid_params', 'hour must be 0-23')
      const schedule = {
        uuid: newId(),
        addonId: addon.id,
        name: input.schedule_name ?? 'DATABASE_URL',
        hour,
        timezone: input.timezone ?? 'UTC',
        createdAt: new Date().toISOString(),
      }
      sim.schedules.push(schedule)
      return {status: 201, body: {uuid: schedule.uuid, name: schedule.name, hour: schedule.hour, timezone: schedule.timezone}}
    })
}

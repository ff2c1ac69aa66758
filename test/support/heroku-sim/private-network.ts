import type {SimAddon, SimAttachment} from './model.js'
import type {HerokuSimulator} from './simulator.js'

/**
 * How the simulated Private and Shield Spaces hide their databases: a
 * database behind a bastion is published under a host name that resolves
 * nowhere, which only the simulator's bastion forwards to the real server.
 */

/**
 * How a database is reached: directly, or only through its space's bastion,
 * whose key comes from the Data API (private-* plans) or the config vars
 * (shield-* plans).
 */
export function bastionKind(sim: HerokuSimulator, addon: SimAddon): 'none' | 'data-api' | 'config-vars' {
  const tier = addon.plan.split(':')[1] ?? ''
  if (!sim.appById(addon.appId).spaceId) return 'none'
  return tier.startsWith('private') ? 'data-api' : tier.startsWith('shield') ? 'config-vars' : 'none'
}

/** The config vars an attachment sets: its URL, and for Shield databases its bastions and their key. */
export function attachmentConfigVars(sim: HerokuSimulator, attachment: SimAttachment): string[] {
  const suffixes = bastionKind(sim, sim.addonById(attachment.addonId)) === 'config-vars' ? ['_URL', '_BASTIONS', '_BASTION_KEY'] : ['_URL']
  return suffixes.map(suffix => `${attachment.name}${suffix}`)
}

/** The host name a database behind a bastion is published under. */
export function privateHost(addon: SimAddon): string {
  return `${addon.name}.${addon.id.slice(0, 8)}.private-db.invalid`
}

/** The URL Heroku hands out (config vars, Data API); for a database behind a bastion it reaches nothing directly. */
export function publishedUrl(sim: HerokuSimulator, addon: SimAddon): string {
  if (!addon.database) throw new Error(`${addon.name} has no database`)
  const direct = sim.ops.urlFor(addon.database)
  if (bastionKind(sim, addon) === 'none') return direct
  const real = new URL(direct)
  sim.bastion.route(privateHost(addon), 5432, {spaceId: sim.appById(addon.appId).spaceId!, host: real.hostname, port: Number(real.port)})
  real.hostname = privateHost(addon)
  real.port = '5432'
  return real.toString()
}

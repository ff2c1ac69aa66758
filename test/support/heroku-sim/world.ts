import pg from 'pg'

import {loadFixture} from '../fixture/generate.js'
import type {SimAddon, SimApp} from './model.js'
import type {HerokuSimulator} from './simulator.js'

/** The apps every test and the demo start from. */
export interface World {
  /** EU app with the fixture in a standard-0 database, a follower, a backup schedule and an HTTPS drain. */
  demo: SimApp
  demoDatabase: SimAddon
  demoFollower: SimAddon
  /** App in a Shield Private Space with an empty shield database, reachable only through the bastion named in its config vars. */
  shield: SimApp
  shieldDatabase: SimAddon
  /** App in a (non-Shield) Private Space with an empty private-0 database, reachable only through the bastion the Data API names. */
  private: SimApp
  privateDatabase: SimAddon
  /** App with no Postgres at all. */
  noDatabase: SimApp
  /** App that attaches demo's database under another name. */
  other: SimApp
  /** A second app of the same company with its own database: the fixture's first people again, as an API's copy of them. */
  api: SimApp
  apiDatabase: SimAddon
}

/** How many of the fixture's people the api app's database holds (user ids 1…n, the same as demo's). */
export const API_FIXTURE_USERS = 30

export const WORLD_APPS = {
  demo: 'privacy-demo',
  shield: 'privacy-shield',
  private: 'privacy-private',
  noDatabase: 'privacy-nodb',
  other: 'privacy-other',
  api: 'privacy-api',
} as const

export async function seedWorld(sim: HerokuSimulator, options: {fixtureUsers?: number} = {}): Promise<World> {
  const demo = sim.createApp({
    name: WORLD_APPS.demo,
    region: 'eu',
    team: 'acme',
    collaborators: [
      {email: 'dpo@example.com', role: 'admin'},
      {email: 'contractor@example.net', role: 'member', twoFactor: false, permissions: ['view', 'deploy', 'operate', 'manage']},
    ],
  })
  const demoDatabase = await sim.addPostgres(demo, {plan: 'heroku-postgresql:standard-0', name: 'postgresql-demo-41235'})
  const client = new pg.Client({connectionString: sim.databaseUrl(demoDatabase)})
  await client.connect()
  try {
    await loadFixture(client, {users: options.fixtureUsers ?? 200})
  } finally {
    await client.end()
  }
  const demoFollower = sim.newPostgresAddon(demo, {plan: 'heroku-postgresql:standard-0', name: 'postgresql-demo-follower-80211'})
  demoFollower.database = await sim.ops.createFollower(demoDatabase.database!, demoDatabase.id)
  sim.attachDefaults(demo, demoFollower)
  sim.schedules.push({uuid: crypto.randomUUID(), addonId: demoDatabase.id, name: 'DATABASE_URL', hour: 2, timezone: 'UTC', createdAt: new Date().toISOString()})
  demo.drains.push({id: crypto.randomUUID(), url: 'https://logs.example.com/drain', token: `d.${crypto.randomUUID()}`, createdAt: new Date().toISOString()})

  const space = sim.createSpace({name: 'acme-shield', shield: true, region: 'dublin'})
  const shield = sim.createApp({name: WORLD_APPS.shield, region: 'eu', team: 'acme', space})
  const shieldDatabase = await sim.addPostgres(shield, {plan: 'heroku-postgresql:shield-0', name: 'postgresql-shield-55120', highAvailability: true})
  const privateSpace = sim.createSpace({name: 'acme-private', region: 'virginia'})
  const privateApp = sim.createApp({name: WORLD_APPS.private, region: 'virginia', team: 'acme', space: privateSpace})
  const privateDatabase = await sim.addPostgres(privateApp, {plan: 'heroku-postgresql:private-0', name: 'postgresql-private-61357'})

  const noDatabase = sim.createApp({name: WORLD_APPS.noDatabase, region: 'us'})
  const other = sim.createApp({name: WORLD_APPS.other, region: 'eu', team: 'acme'})
  sim.attach(other, demoDatabase, 'DEMO_DATABASE')
  const api = sim.createApp({name: WORLD_APPS.api, region: 'eu', team: 'acme'})
  const apiDatabase = await sim.addPostgres(api, {plan: 'heroku-postgresql:standard-0', name: 'postgresql-api-30417'})
  const apiClient = new pg.Client({connectionString: sim.databaseUrl(apiDatabase)})
  await apiClient.connect()
  try {
    await loadFixture(apiClient, {users: API_FIXTURE_USERS})
  } finally {
    await apiClient.end()
  }
  return {demo, demoDatabase, demoFollower, shield, shieldDatabase, private: privateApp, privateDatabase, noDatabase, other, api, apiDatabase}
}

import {expect} from 'chai'

import {PrivacyError} from '../../src/lib/errors.js'
import {HerokuApi} from '../../src/lib/heroku/api.js'
import {herokuClientApi} from '../../src/lib/heroku/client.js'
import {resolveDatabase} from '../../src/lib/heroku/resolve-database.js'
import {withRetries} from '../../src/lib/heroku/retry.js'
import {useSimulator} from '../support/context.js'

describe('database resolution against the simulator', () => {
  const ctx = useSimulator()
  let api: HerokuApi

  before(() => {
    api = withRetries(herokuClientApi({token: ctx.sim.apiKey, apiUrl: ctx.sim.url, dataHostname: '127.0.0.1'}), {sleep: async () => {}})
  })

  const resolve = (app: string, database?: string) => resolveDatabase(api, {app, database})

  it('defaults to DATABASE_URL', async () => {
    const db = await resolve('privacy-demo')
    expect(db.label).to.equal('privacy-demo::DATABASE')
    expect(db.url).to.equal(ctx.sim.databaseUrl(ctx.world.demoDatabase))
  })

  it('accepts every name heroku pg:* accepts', async () => {
    const leaderUrl = ctx.sim.databaseUrl(ctx.world.demoDatabase)
    for (const name of ['DATABASE', 'DATABASE_URL', ctx.world.demoDatabase.colorName, `${ctx.world.demoDatabase.colorName}_URL`, ctx.world.demoDatabase.name]) {
      const db = await resolve('privacy-demo', name)
      expect(db.url, name).to.equal(leaderUrl)
      expect(db.attachment.addon.id, name).to.equal(ctx.world.demoDatabase.id)
    }
    const follower = await resolve('privacy-demo', ctx.world.demoFollower.colorName)
    expect(follower.url).to.equal(ctx.sim.databaseUrl(ctx.world.demoFollower))
  })

  it('follows app::DATABASE to another app', async () => {
    const db = await resolve('privacy-nodb', 'privacy-demo::DATABASE')
    expect(db.label).to.equal('privacy-demo::DATABASE')
    expect(db.attachment.addon.id).to.equal(ctx.world.demoDatabase.id)
  })

  it('finds a database shared into another app under its own attachment name', async () => {
    const db = await resolve('privacy-other', 'DEMO_DATABASE')
    expect(db.label).to.equal('privacy-other::DEMO_DATABASE')
    expect(db.attachment.addon.id).to.equal(ctx.world.demoDatabase.id)
  })

  it('names the valid options for an unknown database', async () => {
    const error = await resolve('privacy-demo', 'HEROKU_POSTGRESQL_NOPE').catch(e => e)
    expect(error).to.be.instanceOf(PrivacyError)
    expect(error.message).to.match(/^Unknown database HEROKU_POSTGRESQL_NOPE on privacy-demo\. Valid options are: DATABASE, HEROKU_POSTGRESQL_/)
  })

  it('says plainly when an app has no Postgres', async () => {
    await expect(resolve('privacy-nodb')).to.be.rejectedWith(PrivacyError, /privacy-nodb has no Heroku Postgres databases/)
  })

  it('says plainly when an app does not exist', async () => {
    await expect(resolve('no-such-app')).to.be.rejectedWith(PrivacyError, /Couldn't find app no-such-app/)
  })

  it('retries rate limits and server errors, and the request happens again', async () => {
    const before = ctx.sim.requests.length
    ctx.sim.failNext({path: /^\/actions\/addon-attachments\/resolve$/, status: 429, times: 1})
    ctx.sim.failNext({path: /^\/actions\/addon-attachments\/resolve$/, status: 502, times: 1})
    const db = await resolve('privacy-demo')
    expect(db.label).to.equal('privacy-demo::DATABASE')
    const statuses = ctx.sim.requests
      .slice(before)
      .filter(r => r.path === '/actions/addon-attachments/resolve')
      .map(r => r.status)
    expect(statuses).to.deep.equal([429, 502, 200])
  })

  it('gives up on persistent server errors with a clear message', async () => {
    ctx.sim.failNext({path: /^\/apps\/privacy-demo$/, status: 500, times: 10})
    const error = await resolve('privacy-demo').catch(e => e)
    ctx.sim.failures.length = 0
    expect(error).to.be.instanceOf(PrivacyError)
    expect(error.message).to.match(/Heroku's API kept failing .*\(500\)/)
  })

  it('reports a rejected token as such', async () => {
    const badApi = herokuClientApi({token: 'not-the-token', apiUrl: ctx.sim.url})
    await expect(resolveDatabase(badApi, {app: 'privacy-demo'})).to.be.rejectedWith(PrivacyError, /rejected the API token/)
  })
})

import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {expect} from 'chai'
import pg from 'pg'

import {ALICE} from '../support/fixture/generate.js'
import {useSimulator} from '../support/context.js'

const run = promisify(execFile)

async function call(ctx: {sim: {url: string; apiKey: string}}, method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(`${ctx.sim.url}${path}`, {
    method,
    headers: {Authorization: `Bearer ${token ?? ctx.sim.apiKey}`, Accept: 'application/vnd.heroku+json; version=3', 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return {status: response.status, body: (await response.json().catch(() => undefined)) as any}
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('Heroku API simulator', () => {
  const ctx = useSimulator()

  describe('request validation against the Platform API schema', () => {
    it("refuses a wrong token with 401 and Heroku's error shape", async () => {
      const response = await call(ctx, 'GET', '/apps/privacy-demo', undefined, 'wrong-token')
      expect(response.status).to.equal(401)
      expect(response.body).to.include({id: 'unauthorized'})
      expect(response.body.message).to.be.a('string')
    })

    it('answers 404 for an endpoint the schema does not have', async () => {
      const response = await call(ctx, 'GET', '/apps/privacy-demo/no-such-thing')
      expect(response.status).to.equal(404)
      expect(response.body.id).to.equal('not_found')
    })

    it('answers 404 for a path parameter that is not a valid identity', async () => {
      const response = await call(ctx, 'GET', '/apps/Not_An_App_Name')
      expect(response.status).to.equal(404)
    })

    it('answers 422 for a body that does not match the link schema', async () => {
      const missing = await call(ctx, 'POST', '/actions/addon-attachments/resolve', {app: 'privacy-demo'})
      expect(missing.status).to.equal(422)
      expect(missing.body.id).to.equal('invalid_params')
      expect(missing.body.message).to.include('addon_attachment')
      const wrongType = await call(ctx, 'POST', '/apps/privacy-demo/log-drains', {url: 42})
      expect(wrongType.status).to.equal(422)
    })

    it('serves valid requests with schema-shaped bodies', async () => {
      const app = await call(ctx, 'GET', '/apps/privacy-demo')
      expect(app.status).to.equal(200)
      expect(app.body).to.include.keys('id', 'name', 'region', 'space', 'owner', 'generation', 'build_stack')
      expect(app.body.region.name).to.equal('eu')
      const resolved = await call(ctx, 'POST', '/actions/addon-attachments/resolve', {addon_attachment: 'DATABASE_URL', app: 'privacy-demo'})
      expect(resolved.status).to.equal(200)
      expect(resolved.body).to.have.length(1)
      expect(resolved.body[0].addon.plan.name).to.equal('heroku-postgresql:standard-0')
    })
  })

  describe('real work on a real Postgres', () => {
    it('gives the app a DATABASE_URL that reaches a real database holding the fixture', async () => {
      const config = await call(ctx, 'GET', '/apps/privacy-demo/config-vars')
      const client = new pg.Client({connectionString: config.body.DATABASE_URL})
      await client.connect()
      const {rows} = await client.query('SELECT email FROM users WHERE id = $1', [ALICE.id])
      await client.end()
      expect(rows[0].email).to.equal(ALICE.email)
    })

    it('takes a backup that is a real pg_dump (or a database copy where no matching pg_dump exists)', async () => {
      const capture = await call(ctx, 'POST', `/client/v11/databases/${ctx.world.demoDatabase.id}/backups`)
      expect(capture.status).to.equal(200)
      const done = await waitFor(async () => {
        const transfer = await call(ctx, 'GET', `/client/v11/apps/privacy-demo/transfers/${capture.body.uuid}`)
        return transfer.body.finished_at ? transfer.body : undefined
      }, 'the backup')
      expect(done.succeeded).to.equal(true)
      expect(done.to_name).to.match(/^b\d{3}$/)
      const transfer = ctx.sim.transfers.find(t => t.uuid === capture.body.uuid)!
      expect(done.options.snapshot).to.equal(transfer.method)
      if (transfer.method === 'pg_dump') {
        expect(existsSync(transfer.file!)).to.equal(true)
        const {stdout} = await run(join(ctx.sim.ops.server.clientBinDir!, 'pg_restore'), ['--list', transfer.file!])
        expect(stdout).to.include('TABLE DATA public users')
        const publicUrl = await call(ctx, 'POST', `/client/v11/apps/privacy-demo/transfers/${done.num}/actions/public-url`)
        const download = await fetch(publicUrl.body.url)
        expect(
          Buffer.from(await download.arrayBuffer())
            .subarray(0, 5)
            .toString(),
        ).to.equal('PGDMP')
      } else {
        expect(transfer.copyDatabase).to.be.a('string')
      }
      const list = await call(ctx, 'GET', '/client/v11/apps/privacy-demo/transfers')
      expect(list.body.map((t: {uuid: string}) => t.uuid)).to.include(capture.body.uuid)
    })

    it('forks into a real, independent copy of the database', async () => {
      const created = await call(ctx, 'POST', '/apps/privacy-demo/addons', {plan: 'heroku-postgresql:standard-0', config: {fork: 'DATABASE'}})
      expect(created.status).to.equal(201)
      expect(created.body.state).to.equal('provisioning')
      const addon = await waitFor(async () => {
        const current = await call(ctx, 'GET', `/apps/privacy-demo/addons/${created.body.name}`)
        return current.body.state === 'provisioned' ? current.body : undefined
      }, 'the fork')
      const config = await call(ctx, 'GET', '/apps/privacy-demo/config-vars')
      const forkVar = addon.config_vars.find((v: string) => v.startsWith('HEROKU_POSTGRESQL_'))
      const fork = new pg.Client({connectionString: config.body[forkVar]})
      const leader = new pg.Client({connectionString: config.body.DATABASE_URL})
      await fork.connect()
      await leader.connect()
      try {
        const count = 'SELECT count(*)::int AS n FROM users'
        expect((await fork.query(count)).rows[0].n).to.equal((await leader.query(count)).rows[0].n)
        await fork.query('DELETE FROM support_tickets')
        expect((await leader.query('SELECT count(*)::int AS n FROM support_tickets')).rows[0].n).to.be.greaterThan(0)
      } finally {
        await fork.end()
        await leader.end()
      }
      const info = await call(ctx, 'GET', `/client/v11/databases/${ctx.world.demoDatabase.id}`)
      expect(info.body.info.find((e: {name: string}) => e.name === 'Forks').values).to.have.length(1)
    })

    it("serves a follower that reads the leader's data and refuses writes", async () => {
      const follower = new pg.Client({connectionString: ctx.sim.databaseUrl(ctx.world.demoFollower)})
      await follower.connect()
      try {
        expect((await follower.query('SELECT count(*)::int AS n FROM users')).rows[0].n).to.be.greaterThan(0)
        await expect(follower.query('DELETE FROM messages')).to.be.rejectedWith(/read-only/)
      } finally {
        await follower.end()
      }
    })

    it('fails injected requests the given number of times, then recovers', async () => {
      ctx.sim.failNext({path: /^\/apps\/privacy-demo$/, status: 503, times: 2})
      expect((await call(ctx, 'GET', '/apps/privacy-demo')).status).to.equal(503)
      expect((await call(ctx, 'GET', '/apps/privacy-demo')).status).to.equal(503)
      expect((await call(ctx, 'GET', '/apps/privacy-demo')).status).to.equal(200)
    })
  })
})

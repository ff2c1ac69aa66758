import {randomUUID} from 'node:crypto'
import {connect} from 'node:net'

import {expect} from 'chai'
import pg from 'pg'

import {Database, openDatabase} from '../../src/lib/db/connection.js'
import {LogReceiver, ReceiverOptions} from '../../src/lib/logs/receiver.js'
import {redactorFor} from '../../src/lib/logs/redaction.js'
import {ensurePartitions, expireLogs, migrateLogStore, storeBatch} from '../../src/lib/logs/store.js'
import {DrainCredentials, logplexBody, logplexFrame, postBatch} from '../support/logplex.js'
import {PostgresServer, startPostgres} from '../support/postgres-server.js'

const CREDENTIALS: DrainCredentials = {user: 'drain', password: 'pw-3f9a1c', token: 'd.11111111-2222-4333-8444-555555555555'}
const DAY = 86_400_000

describe('log receiver (Logplex HTTPS drain protocol)', function () {
  this.timeout(120_000)
  // A server of its own: one test stops and restarts it.
  let server: PostgresServer
  let store: Database
  let receiver: LogReceiver
  let url: string

  const count = async (where = 'true', params: unknown[] = []) =>
    (await store.pool.query<{n: number}>(`SELECT count(*)::int AS n FROM heroku_privacy.log_lines WHERE ${where}`, params)).rows[0]!.n

  function startReceiver(overrides: Partial<ReceiverOptions> = {}): Promise<{receiver: LogReceiver; url: string}> {
    const created = new LogReceiver({
      pool: store.pool,
      auth: {user: CREDENTIALS.user, password: CREDENTIALS.password},
      drainTokens: [CREDENTIALS.token],
      redactor: redactorFor(['password']),
      maxBodyBytes: 64 * 1024,
      maxRequestsPerSecond: 10_000,
      retentionMs: 30 * DAY,
      clock: () => new Date(),
      ...overrides,
    })
    return created.listen(0, '127.0.0.1').then(address => ({receiver: created, url: `http://127.0.0.1:${address.port}/drain`}))
  }

  before(async () => {
    server = await startPostgres()
    const admin = new pg.Client({connectionString: server.url()})
    await admin.connect()
    await admin.query('CREATE DATABASE logs')
    await admin.end()
    store = await openDatabase({url: server.url('logs'), label: 'log store'}, {connectTimeoutMs: 2000, maxConnections: 4})
    await migrateLogStore(store.pool, 'log store')
    ;({receiver, url} = await startReceiver())
  })

  after(async () => {
    await receiver?.close()
    await store?.close()
    await server?.stop()
  })

  const send = (messages: string[], options: Parameters<typeof postBatch>[2] = {}) =>
    postBatch(url, logplexBody(messages), {credentials: CREDENTIALS, frameId: randomUUID(), count: messages.length, ...options})

  it('stores a batch and answers 2xx once it is committed', async () => {
    const marker = randomUUID()
    expect(await send([`first ${marker}`, `second ${marker}`])).to.equal(204)
    expect(await count('message LIKE $1', [`%${marker}`])).to.equal(2)
    const {rows} = await store.pool.query('SELECT host, app, proc, priority, drain_token FROM heroku_privacy.log_lines WHERE message = $1', [`first ${marker}`])
    expect(rows[0]).to.deep.equal({host: 'host', app: 'app', proc: 'web.1', priority: 190, drain_token: CREDENTIALS.token})
  })

  it('stores a retried frame id once', async () => {
    const marker = randomUUID()
    const frameId = randomUUID()
    expect(await send([`retried ${marker}`], {frameId})).to.equal(204)
    expect(await send([`retried ${marker}`], {frameId})).to.equal(204)
    expect(await count('message LIKE $1', [`%${marker}`])).to.equal(1)
    expect(receiver.stats.duplicates).to.be.at.least(1)
  })

  it('stores the good frames of a batch with a malformed one, and counts it', async () => {
    const marker = randomUUID()
    const malformedBefore = receiver.stats.malformed
    const lying = logplexFrame(`lying ${marker}`).replace(/^\d+/, n => String(Number(n) - 4))
    const body = Buffer.from(logplexFrame(`good one ${marker}`) + lying + logplexFrame(`good two ${marker}`))
    expect(await postBatch(url, body, {credentials: CREDENTIALS, frameId: randomUUID(), count: 3})).to.equal(204)
    expect(
      (await store.pool.query('SELECT message FROM heroku_privacy.log_lines WHERE message LIKE $1 ORDER BY message', [`%${marker}`])).rows.map(r => r.message),
    ).to.deep.equal([`good one ${marker}`, `good two ${marker}`])
    expect(receiver.stats.malformed).to.equal(malformedBefore + 1)
  })

  it('redacts configured patterns before storing', async () => {
    const marker = randomUUID()
    expect(await send([`login ${marker} password=hunter2 ok`])).to.equal(204)
    const {rows} = await store.pool.query('SELECT message FROM heroku_privacy.log_lines WHERE message LIKE $1', [`%${marker}%`])
    expect(rows.map(r => r.message)).to.deep.equal([`login ${marker} password=[redacted] ok`])
  })

  it('refuses wrong or missing credentials and unknown drain tokens with 401, storing nothing', async () => {
    const marker = randomUUID()
    const body = logplexBody([`intruder ${marker}`])
    expect(await postBatch(url, body, {credentials: {...CREDENTIALS, password: 'wrong'}, frameId: randomUUID()})).to.equal(401)
    expect(await postBatch(url, body, {frameId: randomUUID()})).to.equal(401)
    expect(await postBatch(url, body, {credentials: {...CREDENTIALS, token: 'd.unknown'}, frameId: randomUUID()})).to.equal(401)
    expect(await count('message LIKE $1', [`%${marker}`])).to.equal(0)
  })

  it('refuses other content types (415) and bodies over the limit (413)', async () => {
    const marker = randomUUID()
    expect(await send([`json ${marker}`], {contentType: 'application/json'})).to.equal(415)
    const huge = Array.from({length: 2000}, (_, i) => `oversized ${marker} ${i} ${'x'.repeat(40)}`)
    expect(await send(huge)).to.equal(413)
    expect(await count('message LIKE $1', [`%${marker}%`])).to.equal(0)
  })

  it('stores nothing of a body cut off mid-way, and stays up', async () => {
    const marker = randomUUID()
    const body = logplexBody([`cut ${marker}`, `cut again ${marker}`])
    const auth = Buffer.from(`${CREDENTIALS.user}:${CREDENTIALS.password}`).toString('base64')
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(new URL(url).port), '127.0.0.1', () => {
        socket.write(
          `POST /drain HTTP/1.1\r\nHost: x\r\nContent-Type: application/logplex-1\r\nAuthorization: Basic ${auth}\r\nLogplex-Drain-Token: ${CREDENTIALS.token}\r\nLogplex-Frame-Id: ${randomUUID()}\r\nContent-Length: ${body.length + 500}\r\n\r\n`,
        )
        socket.end(body, () => setTimeout(resolve, 300))
      })
      socket.on('error', reject)
    })
    expect(await count('message LIKE $1', [`%${marker}`])).to.equal(0)
    expect(await send([`after ${marker}`])).to.equal(204)
  })

  it('answers 429 to a drain sending faster than its rate', async () => {
    const limited = await startReceiver({maxRequestsPerSecond: 1})
    try {
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push(await postBatch(limited.url, logplexBody(['rate']), {credentials: CREDENTIALS, frameId: randomUUID()}))
      expect(statuses.slice(0, 2)).to.deep.equal([204, 204])
      expect(statuses).to.include(429)
    } finally {
      await limited.receiver.close()
    }
  })

  it('loses nothing and duplicates nothing when the database stops and restarts mid-stream', async () => {
    const marker = randomUUID()
    const batches = Array.from({length: 60}, (_, b) => ({frameId: randomUUID(), messages: Array.from({length: 20}, (_, i) => `outage ${marker} ${b}-${i}`)}))
    const failuresBefore = receiver.stats.storeFailures
    const statuses: number[] = []
    // Like Logplex: keep sending a batch until it is acknowledged.
    const deliver = async (batch: (typeof batches)[number]) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const status = await send(batch.messages, {frameId: batch.frameId}).catch(() => 0)
        statuses.push(status)
        if (status === 204) return
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      throw new Error(`batch ${batch.frameId} was never acknowledged`)
    }
    const senders = [0, 1, 2].map(async lane => {
      for (let b = lane; b < batches.length; b += 3) {
        await deliver(batches[b]!)
        // A retry of an acknowledged batch, as Logplex sends when an answer is lost.
        if (b % 10 === 0) await deliver(batches[b]!)
      }
    })
    const outage = (async () => {
      while ((await count('message LIKE $1', [`outage ${marker}%`])) < 200) await new Promise(resolve => setTimeout(resolve, 20))
      await server.pause()
      await new Promise(resolve => setTimeout(resolve, 1500))
      await server.resume()
    })()
    await Promise.all([...senders, outage])
    expect(statuses).to.include(503)
    expect(receiver.stats.storeFailures).to.be.greaterThan(failuresBefore)
    const {
      rows: [stored],
    } = await store.pool.query<{lines: number; distinct: number}>(
      'SELECT count(*)::int AS lines, count(DISTINCT message)::int AS distinct FROM heroku_privacy.log_lines WHERE message LIKE $1',
      [`outage ${marker}%`],
    )
    expect(stored).to.deep.equal({lines: 60 * 20, distinct: 60 * 20})
  })

  it('drops day partitions past retention and keeps the rest', async () => {
    const now = new Date()
    const old = new Date(now.getTime() - 40 * DAY)
    const recent = new Date(now.getTime() - 20 * DAY)
    for (const at of [old, recent]) {
      await ensurePartitions(store.pool, at)
      await storeBatch(store.pool, {
        receivedAt: at,
        drainToken: 't',
        frameId: randomUUID(),
        lines: [{priority: 190, loggedAt: at.toISOString(), host: 'h', app: 'a', proc: 'p', message: `aged ${at.toISOString()}`}],
        malformed: 0,
      })
    }
    const preview = await expireLogs(store.pool, {now, retentionMs: 30 * DAY, dryRun: true})
    expect(preview.dropped).to.have.length.greaterThan(0)
    expect(await count('message = $1', [`aged ${old.toISOString()}`])).to.equal(1)
    const result = await expireLogs(store.pool, {now, retentionMs: 30 * DAY})
    expect(result.dropped).to.deep.equal(preview.dropped)
    expect(result.frames).to.be.at.least(1)
    expect(await count('message = $1', [`aged ${old.toISOString()}`])).to.equal(0)
    expect(await count('message = $1', [`aged ${recent.toISOString()}`])).to.equal(1)
    expect(await count("received_at > now() - interval '1 day'")).to.be.greaterThan(0)
  })
})

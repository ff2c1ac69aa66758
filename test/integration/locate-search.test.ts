import {expect} from 'chai'
import type pg from 'pg'

import {introspect} from '../../src/lib/db/introspect.js'
import {everyTable, searchableColumns} from '../../src/lib/locate/columns.js'
import {distinctiveIdentifiers} from '../../src/lib/locate/identifiers.js'
import {SearchTarget, searchIdentifiers} from '../../src/lib/locate/search.js'
import {ALICE, APP_SCHEMA} from '../support/locate/app-schema.js'
import {useDatabase} from '../support/context.js'

const IDENTIFIERS = distinctiveIdentifiers([
  {value: ALICE.email, category: 'contact'},
  {value: ALICE.name, category: 'identity'},
  {value: ALICE.phone, category: 'contact'},
  {value: ALICE.ip, category: 'online_id'},
  {value: ALICE.workEmail, category: 'contact'},
  {value: 'Alice', category: 'identity'},
])

describe("searching tables for a person's identifiers", () => {
  const db = useDatabase()
  let targets: SearchTarget[]

  before(async () => {
    await db.pool.query(APP_SCHEMA)
    targets = everyTable(await introspect(db.pool), await searchableColumns(db.pool)).targets
  })

  const target = (key: string) => ({...targets.find(t => t.table.key === key)!})
  const counts = (matches: Array<{table: string; column: string; rows: number}>) => Object.fromEntries(matches.map(m => [`${m.table}.${m.column}`, m.rows]))

  it('searches every text, char, domain, json, array and inet column of every table, partitions through their parent', () => {
    const columns = Object.fromEntries(targets.map(t => [t.table.key, t.columns.map(c => c.name)]))
    expect(columns).to.deep.equal({
      'public.Accounts': ['Email', 'fullName', 'phoneNumber', 'lastSignInIp', 'signupCountry'],
      'public.Events': ['kind', 'detail'],
      'public.Profiles': ['settings', 'otherEmails', 'knownIps'],
      'public.SupportNotes': ['body'],
      'public.audit_log': ['actor', 'event', 'raw', 'ip'],
    })
  })

  it('counts whole-token matches per column — nested JSON, escaped JSON, arrays, inet, any case — and no look-alike', async () => {
    const outcome = await searchIdentifiers({pool: db.pool}, targets, IDENTIFIERS, {concurrency: 2})
    expect(counts(outcome.matches)).to.deep.equal({
      'public.Accounts.Email': 1,
      'public.Accounts.fullName': 1,
      'public.Accounts.phoneNumber': 1,
      'public.Accounts.lastSignInIp': 1,
      'public.Events.detail': 1,
      'public.Profiles.settings': 2,
      'public.Profiles.otherEmails': 1,
      'public.Profiles.knownIps': 1,
      'public.SupportNotes.body': 2,
      'public.audit_log.actor': 1,
      'public.audit_log.event': 2,
      'public.audit_log.raw': 1,
      'public.audit_log.ip': 1,
    })
    expect(outcome.searched.map(s => s.table).sort()).to.deep.equal(targets.map(t => t.table.key).sort())
    expect(outcome.searched.find(s => s.table === 'public.Events')!.rows).to.equal(3)
    expect(outcome.notReached).to.deep.equal([])
  })

  it('finds a person named in a JSON key', async () => {
    const client = await db.pool.connect()
    try {
      await client.query('BEGIN')
      await client.query(
        `CREATE TABLE "Keyed" ("doc" jsonb); INSERT INTO "Keyed" VALUES ('{"alice.moeller@example.com": {"seen": true}}'), ('{"malice.moeller@example.com": 1}')`,
      )
      const keyed = everyTable(await introspect(client), await searchableColumns(client)).targets.find(t => t.table.key === 'public.Keyed')!
      expect(counts((await searchIdentifiers({client}, [keyed], IDENTIFIERS)).matches)).to.deep.equal({'public.Keyed.doc': 1})
    } finally {
      await client.query('ROLLBACK')
      client.release()
    }
  })

  it('searches materialized views that hold rows, and skips those never populated', async () => {
    const client = await db.pool.connect()
    try {
      await client.query('BEGIN')
      await client.query(`CREATE MATERIALIZED VIEW "EmailReport" AS SELECT lower("Email") AS "email" FROM "Accounts"`)
      await client.query(`CREATE MATERIALIZED VIEW "PendingReport" AS SELECT "Email" AS "email" FROM "Accounts" WITH NO DATA`)
      const all = everyTable(await introspect(client), await searchableColumns(client)).targets
      expect(all.map(t => t.table.key))
        .to.include('public.EmailReport')
        .and.not.include('public.PendingReport')
      const outcome = await searchIdentifiers(
        {client},
        all.filter(t => t.table.key === 'public.EmailReport'),
        IDENTIFIERS,
      )
      expect(counts(outcome.matches)).to.deep.equal({'public.EmailReport.email': 1})
    } finally {
      await client.query('ROLLBACK')
      client.release()
    }
  })

  it("searches only the rows a condition names, and counts the person's own rows apart, on one client inside a transaction", async () => {
    const client = await db.pool.connect()
    try {
      await client.query('BEGIN')
      const notes = {...target('public.SupportNotes'), linked: '"accountId" = ANY($1)', params: [[1]]}
      const [found] = (await searchIdentifiers({client}, [notes], IDENTIFIERS)).matches
      expect(found).to.deep.equal({table: 'public.SupportNotes', column: 'body', rows: 2, linkedRows: 1})
      const onlyBobs = {...target('public.SupportNotes'), where: '"accountId" = ANY($1)', params: [[2]]}
      expect((await searchIdentifiers({client}, [onlyBobs], IDENTIFIERS)).matches).to.deep.equal([
        {table: 'public.SupportNotes', column: 'body', rows: 1, linkedRows: 0},
      ])
      const byCtid = {...target('public.Profiles'), where: `ctid = ANY (SELECT ctid FROM "Profiles" WHERE "accountId" = 3)`}
      expect((await searchIdentifiers({client}, [byCtid], IDENTIFIERS)).matches).to.deep.equal([])
      // The caller's transaction is still usable.
      expect((await client.query('SELECT 1 AS ok')).rows[0].ok).to.equal(1)
    } finally {
      await client.query('ROLLBACK')
      client.release()
    }
  })

  it('reads nothing when there is nothing to look for', async () => {
    const outcome = await searchIdentifiers({pool: db.pool}, targets, [])
    expect(outcome.matches).to.deep.equal([])
    expect(outcome.searched.every(s => s.rows === 0)).to.equal(true)
  })

  describe('a time budget', () => {
    it('names every table as not reached when the time is already up', async () => {
      const outcome = await searchIdentifiers({pool: db.pool}, targets, IDENTIFIERS, {deadline: 0, clock: () => 1})
      expect(outcome.searched).to.deep.equal([])
      expect(outcome.notReached).to.deep.equal(targets.map(t => t.table.key))
    })

    it('stops between tables when the time runs out, and says which it did not reach', async () => {
      let now = 0
      const progress = () => {
        now = 1_000
      }
      const client = await db.pool.connect()
      try {
        await client.query(`SET statement_timeout = '7min'`)
        const outcome = await searchIdentifiers({client}, targets, IDENTIFIERS, {deadline: 500, clock: () => now, progress})
        expect(outcome.searched.map(s => s.table)).to.deep.equal([targets[0]!.table.key])
        expect(outcome.notReached).to.deep.equal(targets.slice(1).map(t => t.table.key))
        const {
          rows: [setting],
        } = await client.query(`SELECT current_setting('statement_timeout') AS timeout`)
        expect(setting.timeout, 'the connection keeps its own statement timeout').to.equal('7min')
      } finally {
        await client.query('RESET statement_timeout')
        client.release()
      }
    })

    it('cancels a table it is still reading when the time runs out (here: waiting for a lock)', async () => {
      const locker = await db.pool.connect()
      try {
        await locker.query('BEGIN')
        await locker.query('LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE')
        const outcome = await searchIdentifiers({pool: db.pool}, targets, IDENTIFIERS, {concurrency: 2, deadline: Date.now() + 1500})
        expect(outcome.notReached).to.deep.equal(['public.audit_log'])
        expect(outcome.searched.map(s => s.table)).to.include('public.Accounts')
      } finally {
        await locker.query('ROLLBACK')
        locker.release()
      }
    })

    it("fails, rather than report a table as not reached, when a cancelled statement aborted the caller's transaction", async () => {
      const locker = await db.pool.connect()
      const client = await db.pool.connect()
      try {
        await locker.query('BEGIN')
        await locker.query('LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE')
        await client.query('BEGIN')
        await expect(searchIdentifiers({client}, targets, IDENTIFIERS, {deadline: Date.now() + 1000})).to.be.rejectedWith(/statement timeout/)
        expect(client.getTransactionStatus()).to.equal('E')
      } finally {
        await client.query('ROLLBACK')
        client.release()
        await locker.query('ROLLBACK')
        locker.release()
      }
    })

    it('stops when told to', async () => {
      const stop = new AbortController()
      stop.abort()
      const outcome = await searchIdentifiers({pool: db.pool}, targets, IDENTIFIERS, {signal: stop.signal})
      expect(outcome.searched).to.deep.equal([])
      expect(outcome.notReached).to.have.length(targets.length)
    })
  })

  it('gives the same counts whatever the number of connections', async () => {
    const one = await searchIdentifiers({pool: db.pool}, targets, IDENTIFIERS, {concurrency: 1})
    const three = await searchIdentifiers({pool: db.pool}, targets, IDENTIFIERS, {concurrency: 3})
    expect(counts(three.matches)).to.deep.equal(counts(one.matches))
  })

  it('passes identifiers as bound parameters, never as SQL', async () => {
    const hostile = distinctiveIdentifiers([
      {value: "o'brien'); DROP TABLE audit_log; --@example.com", category: 'contact'},
      {value: 'x%_\\y(z]*+?', category: 'online_id'},
    ])
    await searchIdentifiers({pool: db.pool as pg.Pool}, targets, hostile)
    expect((await db.pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).to.equal(6)
  })
})

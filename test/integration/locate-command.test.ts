import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {readZip} from '../support/archive.js'
import {CliResult, runCli, useDatabase} from '../support/context.js'
import {ALICE, ALICE_VALUES, APP_MAP, APP_SCHEMA} from '../support/locate/app-schema.js'

interface Appearance {
  table: string
  column: string
  rows: number
  linked: boolean
  inMap: boolean
}

/** Where Alice appears outside the rows the map ties to her: the audit log, Bob's profile and Bob's note. */
const UNLINKED = [
  {table: 'public.audit_log', column: 'actor', rows: 1, linked: false, inMap: false},
  {table: 'public.audit_log', column: 'event', rows: 2, linked: false, inMap: false},
  {table: 'public.audit_log', column: 'ip', rows: 1, linked: false, inMap: false},
  {table: 'public.audit_log', column: 'raw', rows: 1, linked: false, inMap: false},
  {table: 'public.Profiles', column: 'settings', rows: 1, linked: false, inMap: true},
  {table: 'public.SupportNotes', column: 'body', rows: 1, linked: false, inMap: true},
]

describe('privacy:locate, and the export and erasure that use it', function () {
  this.timeout(180_000)
  const app = useDatabase()
  const clean = useDatabase()
  let dir: string
  let map: string
  /** Everything the commands printed, checked at the end for Alice's values. */
  const printed: CliResult[] = []

  const cli = async (...args: string[]) => {
    const result = await runCli(args)
    printed.push(result)
    return result
  }
  const locate = (url: string, ...args: string[]) => cli('privacy:locate', '--database-url', url, '--map', map, ...args)

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-locate-'))
    map = join(dir, 'privacy.yml')
    await writeFile(map, APP_MAP)
    await app.pool.query(APP_SCHEMA)
    await clean.pool.query(APP_SCHEMA)
    // The same app where nothing outside her own rows mentions Alice.
    await clean.pool.query(`DELETE FROM audit_log WHERE "actor" <> 'bob@example.org' AND "ip" IS DISTINCT FROM '203.0.113.70'`)
    await clean.pool.query(
      `UPDATE "Profiles" SET "settings" = '{}' WHERE "accountId" = 2; UPDATE "SupportNotes" SET "body" = 'refund done' WHERE "accountId" = 2`,
    )
    // Someone erased earlier by anonymisation: nothing of theirs names them any more.
    await clean.pool.query(`INSERT INTO "Accounts" ("accountId", "Email", "fullName") VALUES (4, 'redacted@redacted.invalid', '[redacted]')`)
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  describe('privacy:locate', () => {
    it('lists where the person appears, mapped or not, with counts only, and exits 3 for the rows the map does not link', async () => {
      const result = await locate(app.url, '--subject', 'accountId=1')
      expect(result.code, result.stderr).to.equal(3)
      const rows = result.stdout.split('\n').filter(line => line.startsWith('public.'))
      expect(rows).to.include.members([
        'public.Accounts      Email         1     mapped',
        'public.Profiles      settings      1     mapped',
        'public.audit_log     event         2     not linked by the map (table not in the map)',
        'public.SupportNotes  body          1     not linked by the map (rows of someone else)',
      ])
      expect(result.stdout).to.match(/Searched 5 tables \(15 columns, 18 rows\) for 6 identifiers/)
      expect(result.stderr).to.match(/appears where the data map does not link them: public\.audit_log\.actor \(1 row\)/)
    })

    it('says the same with --json, with the same exit code', async () => {
      const result = await locate(app.url, '--subject', `Email=${ALICE.email}`, '--json')
      expect(result.code, result.stderr).to.equal(3)
      const {error} = JSON.parse(result.stdout)
      expect(error.code).to.equal('unlinked_appearances')
      expect(error.exitCode).to.equal(3)
      expect(error.details.found.filter((a: Appearance) => !a.linked)).to.deep.equal(UNLINKED)
      expect(error.details.found.filter((a: Appearance) => a.linked).map((a: Appearance) => `${a.table}.${a.column}`)).to.deep.equal([
        'public.Accounts.Email',
        'public.Accounts.fullName',
        'public.Accounts.lastSignInIp',
        'public.Accounts.phoneNumber',
        'public.Events.detail',
        'public.Profiles.knownIps',
        'public.Profiles.otherEmails',
        'public.Profiles.settings',
        'public.SupportNotes.body',
      ])
      expect(error.details.identifiers).to.deep.equal({email: 2, phone: 2, name: 1, ip: 1})
      expect(result.stderr).to.equal('')
    })

    it('exits 0 when the person appears only where the map links them', async () => {
      const result = await locate(clean.url, '--subject', 'accountId=1', '--json')
      expect(result.code, result.stderr).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.found.every((a: Appearance) => a.linked)).to.equal(true)
      expect(report.found).to.have.length(9)
      expect(report.notReached).to.deep.equal([])
    })

    it('searches nothing, and says why, for a person with no distinctive identifier left', async () => {
      const result = await locate(clean.url, '--subject', 'accountId=4')
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('The person has no distinctive identifier to search for')
    })

    it('reads tables in parallel with --jobs, and names those --max-seconds did not let it reach', async () => {
      const locker = await app.pool.connect()
      try {
        // Sorted first, and held by another session: a reader waits on each until its time is up.
        await locker.query(`CREATE TABLE "AAheldOne" ("note" text); CREATE TABLE "AAheldTwo" ("note" text)`)
        await locker.query('BEGIN')
        await locker.query(`LOCK TABLE "AAheldOne", "AAheldTwo" IN ACCESS EXCLUSIVE MODE`)
        const one = await locate(app.url, '--subject', 'accountId=1', '--jobs', '1', '--max-seconds', '4', '--json')
        expect(one.code, one.stderr).to.equal(0)
        const alone = JSON.parse(one.stdout)
        expect(alone.notReached).to.have.members([
          'public.AAheldOne',
          'public.AAheldTwo',
          'public.Accounts',
          'public.Events',
          'public.Profiles',
          'public.SupportNotes',
          'public.audit_log',
        ])
        expect(alone.found).to.deep.equal([])

        const three = await locate(app.url, '--subject', 'accountId=1', '--jobs', '3', '--max-seconds', '4')
        expect(three.code, three.stderr).to.equal(3)
        expect(three.stdout).to.include('Not reached within --max-seconds 4: public.AAheldOne, public.AAheldTwo')
        expect(three.stdout).to.include('public.audit_log     event')
      } finally {
        await locker.query('ROLLBACK').catch(() => {})
        await locker.query(`DROP TABLE IF EXISTS "AAheldOne", "AAheldTwo"`)
        locker.release()
      }
    })

    it('refuses bad flags as usage errors', async () => {
      expect((await locate(app.url, '--subject', 'accountId=1', '--jobs', '0')).code).to.equal(2)
      expect((await locate(app.url)).code).to.equal(2)
      const unknown = await locate(app.url, '--subject', 'phoneNumber=1')
      expect(unknown.code).to.equal(2)
      expect(unknown.stderr).to.match(/not a lookup column/)
    })
  })

  describe('privacy:export', () => {
    it('warns where the person appears outside the archive, in --json and in the manifest, without their values', async () => {
      const out = join(dir, 'alice.zip')
      const result = await cli('privacy:export', '--database-url', app.url, '--map', map, '--subject', 'accountId=1', '--out', out, '--json')
      expect(result.code, result.stderr).to.equal(0)
      const summary = JSON.parse(result.stdout)
      expect(summary.unlinked.appearances).to.deep.equal(UNLINKED)
      expect(summary.unlinked.notReached).to.deep.equal([])
      const manifest = JSON.parse((await readZip(out)).get('manifest.json')!.toString())
      expect(manifest.notCovered).to.include(
        'public.audit_log.event: 2 rows mention the person, but the data map does not link them to the person (a table outside the map), so this archive does not hold them',
      )
      expect(manifest.notCovered).to.include(
        "public.SupportNotes.body: 1 row mentions the person, but the data map does not link it to the person (someone else's rows), so this archive does not hold it",
      )

      const plain = await cli('privacy:export', '--database-url', app.url, '--map', map, '--subject', 'accountId=1', '--out', out, '--force')
      expect(plain.code, plain.stderr).to.equal(0)
      expect(plain.stderr).to.match(/Warning: public\.audit_log\.actor: 1 row mentions the person/)
    })

    it('skips the search with --locate-seconds 0', async () => {
      const result = await cli(
        'privacy:export',
        '--database-url',
        app.url,
        '--map',
        map,
        '--subject',
        'accountId=1',
        '--out',
        join(dir, 'quick.zip'),
        '--locate-seconds',
        '0',
        '--json',
      )
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).unlinked).to.equal(null)
    })
  })

  describe('privacy:erase --locate', () => {
    it('reports, after the commit, every place the person is still found', async () => {
      await app.pool.query(`ALTER TABLE "Profiles" ADD PRIMARY KEY ("accountId"); ALTER TABLE "Events" ADD PRIMARY KEY ("accountId", "kind")`)
      const result = await cli(
        'privacy:erase',
        '--database-url',
        app.url,
        '--map',
        map,
        '--subject',
        'accountId=1',
        '--locate',
        '--confirm',
        app.name,
        '--json',
      )
      expect(result.code, result.stderr).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.residues.appearances).to.deep.equal(UNLINKED)
      expect((await app.pool.query(`SELECT count(*)::int AS n FROM "Accounts" WHERE "accountId" = 1`)).rows[0].n).to.equal(0)
    })

    it('says so when nothing of the person remains, and searches nothing on a dry run', async () => {
      await clean.pool.query(`ALTER TABLE "Profiles" ADD PRIMARY KEY ("accountId"); ALTER TABLE "Events" ADD PRIMARY KEY ("accountId", "kind")`)
      const dry = await cli('privacy:erase', '--database-url', clean.url, '--map', map, '--subject', 'accountId=1', '--locate', '--dry-run')
      expect(dry.code, dry.stderr).to.equal(0)
      expect(dry.stdout).to.include('--locate: nothing was erased, so nothing was searched.')
      const result = await cli('privacy:erase', '--database-url', clean.url, '--map', map, '--subject', 'accountId=1', '--locate', '--confirm', clean.name)
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('Searched every table afterwards: none of their identifiers remain anywhere.')
    })
  })

  describe('what the commands printed', () => {
    it("never holds the person's values", () => {
      expect(printed.length).to.be.greaterThan(10)
      for (const {stdout, stderr} of printed) {
        const output = `${stdout}\n${stderr}`.toLowerCase()
        for (const value of ALICE_VALUES) expect(output).to.not.include(value.toLowerCase())
      }
    })
  })
})

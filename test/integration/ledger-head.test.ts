import {rm} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'

import {readZip} from '../support/archive.js'
import {ALICE} from '../support/fixture/generate.js'
import {runCli, useDatabase, writeReviewedMap} from '../support/context.js'

const HEAD = /^Ledger head: (\d+:[0-9a-f]{64})$/m

describe('the ledger head, kept outside the ledger', function () {
  this.timeout(180_000)
  const db = useDatabase({users: 60})
  let dir: string
  let map: string

  before(async () => {
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const cli = (...args: string[]) => runCli([...args, '--database-url', db.url])
  const newest = async () => {
    const {rows} = await db.pool.query<{seq: string; hash: string}>('SELECT seq, hash FROM heroku_privacy.events ORDER BY seq DESC LIMIT 1')
    return `${rows[0]!.seq}:${rows[0]!.hash}`
  }
  const json = (result: {code: number | null; stdout: string; stderr: string}) => {
    expect(result.code, result.stderr).to.equal(0)
    return JSON.parse(result.stdout)
  }

  it('is printed by every command that records an event, and is the newest event', async () => {
    const opened = await cli('privacy:requests:open', '--kind', 'erasure', '--subject', 'id=7')
    expect(opened.code, opened.stderr).to.equal(0)
    expect(HEAD.exec(opened.stdout)?.[1]).to.equal(await newest())
    const request = json(await cli('privacy:requests:open', '--kind', 'access', '--subject', 'id=8', '--json'))
    expect(request.ledgerHead).to.equal(await newest())
    expect(json(await cli('privacy:requests:extend', request.id, '--months', '1', '--reason', 'three systems', '--json')).ledgerHead).to.equal(await newest())
    expect(json(await cli('privacy:restrict', '--map', map, '--subject', 'id=9', '--reason', 'accuracy', '--json')).ledgerHead).to.equal(await newest())
    expect(
      json(await cli('privacy:restrict:lift', '--subject', 'id=9', '--approved-by', 'dpo@example.com', '--evidence', 'T-1', '--confirm', db.name, '--json'))
        .ledgerHead,
    ).to.equal(await newest())
    expect(json(await cli('privacy:retention:run', '--map', map, '--confirm', db.name, '--json')).ledgerHead).to.equal(await newest())
    expect(json(await cli('privacy:erase', '--map', map, '--subject', 'id=7', '--confirm', db.name, '--json')).ledgerHead).to.equal(await newest())
    expect(json(await cli('privacy:requests:close', request.id, '--outcome', 'sent', '--json')).ledgerHead).to.equal(await newest())
  })

  it("is recorded in an export's manifest as it was when the archive was made", async () => {
    const before = await newest()
    const out = join(dir, 'alice.zip')
    const exported = json(await cli('privacy:export', '--map', map, '--subject', `email=${ALICE.email}`, '--out', out, '--allow-plaintext', '--json'))
    const manifest = JSON.parse((await readZip(out)).get('manifest.json')!.toString('utf8'))
    expect(manifest.ledgerHead).to.equal(before)
    expect(exported.ledgerHead).to.equal(await newest())
    expect(exported.ledgerHead).to.not.equal(before)
    const verified = await runCli(['privacy:verify', out])
    expect(verified.stdout).to.include(`--head ${before}`)
  })

  it('lets ledger:verify --head notice that the newest events were deleted', async () => {
    const head = await newest()
    expect((await cli('privacy:ledger:verify', '--head', head)).code).to.equal(0)
    const wrong = `${head.split(':')[0]}:${'0'.repeat(64)}`
    const differs = await cli('privacy:ledger:verify', '--head', wrong)
    expect(differs.code).to.equal(3)
    expect(differs.stderr).to.match(/has another hash/)
    // What someone who can bypass the append-only trigger would do: drop the newest event, leaving a valid chain.
    await db.pool.query('ALTER TABLE heroku_privacy.events DISABLE TRIGGER USER')
    await db.pool.query('ALTER TABLE heroku_privacy.event_rows DISABLE TRIGGER USER')
    try {
      await db.pool.query('DELETE FROM heroku_privacy.event_rows WHERE seq = $1', [Number(head.split(':')[0])])
      await db.pool.query('DELETE FROM heroku_privacy.events WHERE seq = $1', [Number(head.split(':')[0])])
    } finally {
      await db.pool.query('ALTER TABLE heroku_privacy.events ENABLE TRIGGER USER')
      await db.pool.query('ALTER TABLE heroku_privacy.event_rows ENABLE TRIGGER USER')
    }
    expect((await cli('privacy:ledger:verify')).code, 'the chain alone still verifies').to.equal(0)
    for (const args of [[], ['--json']]) {
      const gone = await cli('privacy:ledger:verify', '--head', head, ...args)
      expect(gone.code).to.equal(3)
      expect(gone.stdout + gone.stderr).to.match(/is gone/)
    }
  })

  it("lets ledger:verify notice that an event's stored rows were changed, or rows were stored for no event", async () => {
    const {rows} = await db.pool.query<{seq: string}>(`SELECT seq FROM heroku_privacy.events WHERE (details->>'row_count')::int > 1 ORDER BY seq LIMIT 1`)
    const seq = Number(rows[0]!.seq)
    expect((await cli('privacy:ledger:verify')).code).to.equal(0)
    const {
      rows: [row],
    } = await db.pool.query<{table_name: string; pk: string}>('SELECT table_name, pk FROM heroku_privacy.event_rows WHERE seq = $1 LIMIT 1', [seq])
    const at = (pk: string) => `seq = ${seq} AND table_name = '${row!.table_name}' AND pk = '${pk}'`
    // What someone who can bypass the append-only trigger would do, undone after each verification.
    const tampered = async (change: string, undo: string) => {
      await db.pool.query('ALTER TABLE heroku_privacy.event_rows DISABLE TRIGGER USER')
      try {
        await db.pool.query(change)
        return await cli('privacy:ledger:verify')
      } finally {
        await db.pool.query(undo)
        await db.pool.query('ALTER TABLE heroku_privacy.event_rows ENABLE TRIGGER USER')
      }
    }
    const restore = `INSERT INTO heroku_privacy.event_rows (seq, table_name, pk) VALUES (${seq}, '${row!.table_name}', '${row!.pk}')`
    const removed = await tampered(`DELETE FROM heroku_privacy.event_rows WHERE ${at(row!.pk)}`, restore)
    expect(removed.code).to.equal(3)
    expect(removed.stderr).to.include(`broken at event ${seq}: the rows stored for it no longer match`)
    const renamed = await tampered(
      `UPDATE heroku_privacy.event_rows SET pk = pk || '0' WHERE ${at(row!.pk)}`,
      `DELETE FROM heroku_privacy.event_rows WHERE ${at(`${row!.pk}0`)}; ${restore}`,
    )
    expect(renamed.code).to.equal(3)
    expect(renamed.stderr).to.include(`broken at event ${seq}`)
    const orphan = await tampered(
      "INSERT INTO heroku_privacy.event_rows (seq, table_name, pk) VALUES (999999, 'public.users', '1')",
      'DELETE FROM heroku_privacy.event_rows WHERE seq = 999999',
    )
    expect(orphan.code).to.equal(3)
    expect(orphan.stderr).to.include('broken at event 999999: rows are stored for it')
    expect((await cli('privacy:ledger:verify')).code).to.equal(0)
  })

  it('refuses a head that is not SEQ:HASH with a usage error', async () => {
    const result = await cli('privacy:ledger:verify', '--head', '12:abc')
    expect(result.code).to.equal(2)
    expect(result.stderr).to.match(/not a ledger head; give it as SEQ:HASH/)
  })
})

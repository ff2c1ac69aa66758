import {createHash} from 'node:crypto'

import {expect} from 'chai'

import {LedgerContext} from '../../src/lib/ledger/context.js'
import {appendEvent} from '../../src/lib/ledger/events.js'
import {migrateLedger} from '../../src/lib/ledger/migrate.js'
import {DIGEST_RUN_LINES, firstTamperedRows, newRowsDigestSql, runDigestsSql} from '../../src/lib/ledger/stored-rows.js'
import {useDatabase} from '../support/context.js'

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

/** The digest computed apart from Postgres: distinct lines in UTF-8 byte order, hashed in runs, the runs' digests hashed together. */
function runDigest(lines: string[], runLines: number): string {
  const sorted = [...new Set(lines)].map(line => Buffer.from(line)).sort(Buffer.compare)
  if (sorted.length === 0) return sha256('')
  const runs: string[] = []
  for (let i = 0; i < sorted.length; i += runLines) runs.push(sha256(Buffer.concat(sorted.slice(i, i + runLines))))
  return sha256(runs.join(''))
}

/** How events recorded before runs hashed their lines: all of them as one text. */
const wholeDigest = (lines: string[]) => sha256(Buffer.concat([...new Set(lines)].map(line => Buffer.from(line)).sort(Buffer.compare)))

/** Keys whose UTF-8 order differs from JavaScript's string order (U+FF21 sorts before an emoji in bytes, after it in UTF-16). */
const KEYS = ['1', '10', '2', 'a', 'Z', 'é', '\uff21', '😀', 'tab\there']
const line = (table: string, pk: string) => `${table}\t${pk}\n`

describe('the digest of the rows an event touched', () => {
  const db = useDatabase()

  it('is computed in SQL as a reference implementation computes it, for runs of any length', async () => {
    const lines = KEYS.map(pk => line('public.users', pk)).concat(KEYS.slice(0, 3).map(pk => line('public."odd table"', pk)))
    for (const runLines of [1, 2, 3, 5, 1000]) {
      const {rows} = await db.pool.query<{n: string; digest: string}>(
        runDigestsSql(`(SELECT 0 AS seq, line, ${runLines} AS run_lines FROM unnest($1::text[]) AS u(line))`),
        [lines],
      )
      expect(rows, `runs of ${runLines}`).to.deep.equal([{seq: 0, n: String(lines.length), digest: runDigest(lines, runLines)}])
    }
    const single = await db.pool.query<{n: string; digest: string}>(newRowsDigestSql('(SELECT unnest($1::text[]) AS line)'), [lines])
    expect(single.rows[0]).to.deep.equal({n: String(lines.length), digest: runDigest(lines, DIGEST_RUN_LINES)})
    const none = await db.pool.query<{n: string; digest: string}>(newRowsDigestSql('(SELECT unnest($1::text[]) AS line)'), [[]])
    expect(none.rows[0]).to.deep.equal({n: '0', digest: sha256('')})
  })

  it('lets ledger:verify check events hashed in runs and events hashed whole, and notice a changed row in either', async () => {
    await migrateLedger(db.pool, 'test')
    const ctx: LedgerContext = {pool: db.pool, scope: 'test-app', actor: 'dpo@example.com', clock: () => new Date()}
    const record = async (lines: string[], details: Record<string, unknown>) => {
      const event = await appendEvent(ctx, {action: 'test.rows', details: {row_count: lines.length, ...details}})
      const rows = lines.map(l => [l.slice(0, l.indexOf('\t')), l.slice(l.indexOf('\t') + 1, -1)])
      await db.pool.query('INSERT INTO heroku_privacy.event_rows (seq, table_name, pk) SELECT $1, t, p FROM unnest($2::text[], $3::text[]) AS u(t, p)', [
        event.seq,
        rows.map(r => r[0]),
        rows.map(r => r[1]),
      ])
      return event.seq
    }
    const inRuns = KEYS.map(pk => line('public.users', pk))
    const runSeq = await record(inRuns, {rows_digest: runDigest(inRuns, 2), rows_digest_run_lines: 2})
    const whole = KEYS.map(pk => line('public.orders', pk))
    const wholeSeq = await record(whole, {rows_digest: wholeDigest(whole)})
    expect(await firstTamperedRows(db.pool)).to.equal(null)

    for (const seq of [runSeq, wholeSeq]) {
      await db.pool.query('ALTER TABLE heroku_privacy.event_rows DISABLE TRIGGER USER')
      try {
        await db.pool.query(`UPDATE heroku_privacy.event_rows SET pk = pk || 'x' WHERE seq = $1 AND pk = '2'`, [seq])
        expect((await firstTamperedRows(db.pool))?.seq, `event ${seq}`).to.equal(seq)
        await db.pool.query(`UPDATE heroku_privacy.event_rows SET pk = '2' WHERE seq = $1 AND pk = '2x'`, [seq])
      } finally {
        await db.pool.query('ALTER TABLE heroku_privacy.event_rows ENABLE TRIGGER USER')
      }
    }
    expect(await firstTamperedRows(db.pool)).to.equal(null)
  })
})

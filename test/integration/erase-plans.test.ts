import {rm} from 'node:fs/promises'

import {expect} from 'chai'
import pg from 'pg'

import {eraseSubjects, ledgerKey, migrateLedger, parseSubject} from '../../src/index.js'
import {useDatabase, writeReviewedMap} from '../support/context.js'

/**
 * The statements that count over whole tables during an erasure (whose rows
 * refer to the deleted ones, identifiers left in other people's rows) test
 * each row against the people's key sets and identifiers. Where such a test
 * cannot hash the set, Postgres scans the set again for every row: fine for
 * one person, hours for 100 000 people in a table of millions. The erasure
 * runs here with a work_mem too small to hash anything, and every counting
 * statement is explained before it runs: none may scan a temporary set per row.
 */

const PEOPLE = 400

/** A subplan, not hashed, whose first node reads a whole temporary table (the people's key sets and identifiers are `hp_…`). */
function setsScannedPerRow(plan: string): string[] {
  const lines = plan.split('\n')
  const found: string[] = []
  lines.forEach((line, i) => {
    const header = line.match(/^\s*SubPlan (\d+)\s*$/)
    if (!header) return
    const child = lines[i + 1] ?? ''
    const hashed = lines.some(l => l.includes(`hashed SubPlan ${header[1]}`))
    if (!hashed && /->\s+(Seq Scan|CTE Scan|Materialize|Function Scan).*\bhp_/.test(child)) found.push(child.trim())
    if (!hashed && /->\s+Materialize/.test(child) && /\bhp_/.test(lines[i + 2] ?? '')) found.push(lines[i + 2]!.trim())
  })
  return found
}

/** A pool whose connections explain each counting statement (in the same transaction, so its temporary tables exist) before running it. */
function explainingPool(pool: pg.Pool, plans: Array<{sql: string; plan: string}>): pg.Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'connect') return Reflect.get(target, property, receiver)
      return async () => {
        const client = await target.connect()
        await client.query(`SET work_mem = '64kB'`)
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>
        return new Proxy(client, {
          get(c, name, r) {
            if (name === 'release') return (...args: unknown[]) => c.query(`RESET work_mem`).finally(() => c.release(...(args as []))) as unknown
            if (name !== 'query') return Reflect.get(c, name, r)
            return async (text: unknown, values?: unknown[]) => {
              if (typeof text === 'string' && /^\s*SELECT\b[\s\S]*\bcount\(\*\)/i.test(text) && /\bhp_/.test(text)) {
                const {rows} = await query(`EXPLAIN ${text}`, values)
                plans.push({sql: text, plan: rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')})
              }
              return query(text, values)
            }
          },
        })
      }
    },
  })
}

/**
 * Other people's rows holding, whole, an e-mail address the first `people`
 * users' rows hold (their own or their contacts'), per identifying column:
 * what the residue check reports as copies in other people's rows.
 */
async function otherPeoplesCopies(pool: pg.Pool, people: number): Promise<Array<{table: string; column: string; rows: number; kind: string}>> {
  const {rows} = await pool.query<{table: string; column: string; rows: number}>(
    `WITH identifiers AS (
       SELECT lower(email) AS v FROM users WHERE id <= $1
       UNION SELECT lower(contact_email) FROM contacts WHERE owner_id <= $1
       UNION SELECT lower(a) FROM contacts, unnest(aliases) a WHERE owner_id <= $1)
     SELECT 'public.users' AS table, 'email' AS column, count(*)::int AS rows FROM users WHERE id > $1 AND lower(email) IN (SELECT v FROM identifiers)
     UNION ALL SELECT 'public.contacts', 'contact_email', count(*)::int FROM contacts WHERE owner_id > $1 AND lower(contact_email) IN (SELECT v FROM identifiers)
     UNION ALL SELECT 'public.contacts', 'aliases', count(*)::int FROM contacts
       WHERE owner_id > $1 AND EXISTS (SELECT 1 FROM unnest(aliases) a WHERE lower(a) IN (SELECT v FROM identifiers))`,
    [people],
  )
  expect(
    rows.every(r => r.rows > 0),
    'the data set has copies in every column',
  ).to.equal(true)
  return rows.map(r => ({...r, kind: 'other_rows'}))
}

describe('erasure plans at scale', () => {
  const db = useDatabase()
  let dir: string
  let map: string

  before(async function () {
    this.timeout(120_000)
    await db.pool.query(`
      CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, full_name text, phone text);
      CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE, note text);
      CREATE INDEX ON orders (user_id);
      CREATE TABLE contacts (id bigserial PRIMARY KEY, owner_id bigint REFERENCES users, contact_email text, aliases text[]);
      CREATE INDEX ON contacts (owner_id);
      INSERT INTO users (email, full_name, phone) SELECT 'person' || i || '@example.com', 'Person Number ' || i, '+1 555 01' || lpad(i::text, 5, '0') FROM generate_series(1, 3000) i;
      INSERT INTO orders (user_id, note) SELECT 1 + (i % 3000), 'order ' || i FROM generate_series(1, 9000) i;
      INSERT INTO contacts (owner_id, contact_email, aliases) SELECT 1 + (i % 3000), 'person' || (1 + (i * 7) % 3000) || '@example.com', ARRAY['person' || (1 + (i * 11) % 3000) || '@example.com'] FROM generate_series(1, 6000) i;
      ANALYZE;`)
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
  })
  after(() => rm(dir, {recursive: true, force: true}))

  it(`erases ${PEOPLE} people without scanning their key sets or identifiers once per row`, async function () {
    this.timeout(300_000)
    await migrateLedger(db.pool, db.name)
    const plans: Array<{sql: string; plan: string}> = []
    const copiesInOtherRows = await otherPeoplesCopies(db.pool, PEOPLE)
    const report = await eraseSubjects({
      pool: explainingPool(db.pool, plans),
      mapFile: map,
      subjects: Array.from({length: PEOPLE}, (_, i) => parseSubject(`id=${i + 1}`)),
      requestId: null,
      dryRun: false,
      includeConnect: false,
      exceptHeld: false,
      lockTimeoutMs: 10_000,
      key: await ledgerKey(db.pool, 'plans'),
      ledger: {pool: db.pool, scope: 'plans', actor: 'test', clock: () => new Date()},
      sameDatabase: true,
    })
    expect(report.residue?.fatal ?? []).to.deep.equal([])
    const {rows} = await db.pool.query<{n: number}>(`SELECT count(*)::int AS n FROM users WHERE id <= $1`, [PEOPLE])
    expect(rows[0]!.n).to.equal(0)
    expect(report.residue?.found.filter(hit => hit.kind === 'other_rows')).to.deep.equal(copiesInOtherRows)
    // The statements this test is about ran, and were explained.
    expect(plans.some(p => /count\(\*\) FILTER/.test(p.sql))).to.equal(true)
    const perRow = plans.flatMap(p => setsScannedPerRow(p.plan).map(node => `${node}\n  in: ${p.sql.slice(0, 300)}`))
    expect(perRow, perRow.join('\n\n')).to.deep.equal([])
  })

  it('recognises a set scanned per row in a plan', () => {
    const perRow = `Aggregate
  ->  Seq Scan on users t
        Filter: (NOT (SubPlan 1))
        SubPlan 1
          ->  Seq Scan on hp_k0
`
    const hashed = perRow.replace('(NOT (SubPlan 1))', '(NOT (hashed SubPlan 1))')
    expect(setsScannedPerRow(perRow)).to.deep.equal(['->  Seq Scan on hp_k0'])
    expect(setsScannedPerRow(hashed)).to.deep.equal([])
  })
})

import {expect} from 'chai'
import pg from 'pg'

import {ALICE} from '../support/fixture/generate.js'
import {useDatabase} from '../support/context.js'

async function checksum(pool: pg.Pool, table: string): Promise<string> {
  const {rows} = await pool.query(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum FROM ${table} t`)
  return rows[0].sum
}

describe('fixture generator', () => {
  const first = useDatabase({users: 300, heavyEventsPerSubject: 1000})
  const second = useDatabase({users: 300, heavyEventsPerSubject: 1000})

  it('is deterministic: the same options give byte-identical tables', async () => {
    for (const table of ['users', 'orders', 'payments', 'support_tickets', 'messages', 'audit_events', 'page_views', 'salesforce.contact']) {
      expect(await checksum(first.pool, table), table).to.equal(await checksum(second.pool, table))
    }
  })

  it('gives the known subject rows in every table that can hold them', async () => {
    const counts = await first.pool.query(
      `
      SELECT (SELECT count(*) FROM users WHERE email = $1)::int AS users,
             (SELECT count(*) FROM profiles WHERE user_id = $2)::int AS profiles,
             (SELECT count(*) FROM addresses WHERE user_id = $2)::int AS addresses,
             (SELECT count(*) FROM orders WHERE user_id = $2)::int AS orders,
             (SELECT count(*) FROM support_tickets WHERE requester_email = $1)::int AS tickets,
             (SELECT count(*) FROM messages WHERE sender_id = $2 OR recipient_id = $2)::int AS messages,
             (SELECT count(*) FROM audit_events WHERE user_id = $2)::int AS events,
             (SELECT count(*) FROM page_views WHERE user_id = $2)::int AS views,
             (SELECT count(*) FROM salesforce.contact WHERE email = $1)::int AS contacts,
             (SELECT count(*) FROM organizations WHERE billing_contact_id = $2)::int AS billing`,
      [ALICE.email, ALICE.id],
    )
    for (const [table, count] of Object.entries(counts.rows[0])) expect(count, table).to.be.greaterThan(0)
  })

  it('has the shapes real schemas have: a cycle, a self-reference, a partitioned table and implicit references', async () => {
    const cycle = await first.pool.query(`
      SELECT count(*)::int AS n FROM pg_constraint
      WHERE contype = 'f' AND ((conrelid = 'users'::regclass AND confrelid = 'organizations'::regclass)
                            OR (conrelid = 'organizations'::regclass AND confrelid = 'users'::regclass))`)
    expect(cycle.rows[0].n).to.equal(2)
    const selfRef = await first.pool.query(`SELECT count(*)::int AS n FROM users WHERE referred_by_id IS NOT NULL`)
    expect(selfRef.rows[0].n).to.be.greaterThan(0)
    const partitions = await first.pool.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'page_views'::regclass`)
    expect(partitions.rows[0].n).to.equal(2)
    const implicit = await first.pool.query(`SELECT count(*)::int AS n FROM support_tickets t JOIN users u ON u.email = t.requester_email`)
    expect(implicit.rows[0].n).to.be.greaterThan(0)
    const strangers = await first.pool.query(
      `SELECT count(*)::int AS n FROM support_tickets t WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.email = t.requester_email)`,
    )
    expect(strangers.rows[0].n).to.be.greaterThan(0)
  })

  it('skews rows toward the heavy subjects', async () => {
    const {rows} = await first.pool.query(`SELECT user_id, count(*)::int AS n FROM audit_events GROUP BY user_id ORDER BY n DESC LIMIT 2`)
    expect(rows.map(r => Number(r.user_id)).sort()).to.deep.equal([2, 3])
    expect(rows[0].n).to.be.greaterThan(1000)
  })
})

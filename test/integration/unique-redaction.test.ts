import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {runCli, useDatabase} from '../support/context.js'

/**
 * People's display names carry unique indexes, not constraints, as many apps
 * have them: plain, on an expression, partial, and shared with another column.
 */
describe('redacting columns under unique indexes', () => {
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-unique-'))
    await db.pool.query(`CREATE TABLE users (
      id bigint PRIMARY KEY, email text NOT NULL, display_name text NOT NULL, handle text, deleted_at timestamptz,
      org_id int NOT NULL, nickname text, badge int, device uuid)`)
    await db.pool.query('CREATE UNIQUE INDEX users_display_name ON users (display_name)')
    await db.pool.query('CREATE UNIQUE INDEX users_lower_email ON users (lower(email))')
    await db.pool.query('CREATE UNIQUE INDEX users_live_handle ON users (handle) WHERE deleted_at IS NULL')
    await db.pool.query('CREATE UNIQUE INDEX users_org_nickname ON users (org_id, nickname)')
    await db.pool.query('CREATE UNIQUE INDEX users_badge ON users (badge)')
    await db.pool.query('CREATE UNIQUE INDEX users_device ON users (device)')
    await db.pool.query('CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), note text)')
    await db.pool.query(`INSERT INTO users SELECT i, 'Person' || i || '@example.com', 'Person ' || i, 'p' || i, NULL, 1, 'nick' || i, 100 + i, gen_random_uuid()
      FROM generate_series(1, 8) i`)
    await db.pool.query(`INSERT INTO orders SELECT i, i, 'order of person ' || i FROM generate_series(1, 8) i`)
    await writeFile(
      join(dir, 'privacy.yml'),
      `version: 1
subject: { table: public.users, key: id, lookup: [id] }
tables:
  public.users:
    erase: anonymize
    columns:
      id: { category: none }
      email: { category: contact, erase: redact }
      display_name: { category: identity, erase: redact }
      handle: { category: online_id, erase: redact }
      deleted_at: { category: none }
      org_id: { category: none }
      nickname: { category: identity, erase: redact }
      badge: { category: online_id, erase: redact }
      device: { category: online_id, erase: redact }
  public.orders:
    via: { column: user_id, to: public.users.id }
    erase: anonymize
    columns:
      id: { category: none }
      user_id: { category: none }
      note: { category: free_text, erase: redact }
`,
    )
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const erase = (...subjects: string[]) =>
    runCli(['privacy:erase', '--database-url', db.url, '--map', join(dir, 'privacy.yml'), ...subjects.flatMap(s => ['--subject', s]), '--confirm', db.name])

  it('erases one person after another, each with values of their own', async () => {
    for (const id of [1, 2, 3]) {
      const result = await erase(`id=${id}`)
      expect(result.code, result.stderr).to.equal(0)
    }
  })

  it('erases a batch of two people in one statement per step', async () => {
    const result = await erase('id=4', 'id=5')
    expect(result.code, result.stderr).to.equal(0)
  })

  it('left no name behind, and every redacted value is distinct', async () => {
    const {rows} = await db.pool.query(`SELECT id, email, display_name, handle, nickname, badge, device::text FROM users WHERE id <= 5 ORDER BY id`)
    for (const column of ['email', 'display_name', 'handle', 'nickname', 'badge', 'device']) {
      expect(new Set(rows.map(r => r[column])).size, column).to.equal(5)
    }
    expect(rows.map(r => r.display_name).join(' ')).to.not.match(/Person \d/)
    expect(rows.map(r => r.email).join(' ')).to.not.match(/Person\d/i)
    const {rows: untouched} = await db.pool.query(`SELECT count(*)::int AS n FROM users WHERE id > 5 AND display_name LIKE 'Person %'`)
    expect(untouched[0].n).to.equal(3)
  })
})

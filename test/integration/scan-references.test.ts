import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {writeMapFromScan} from '../../src/lib/scan/run-scan.js'
import {useDatabase} from '../support/context.js'

// A schema that names people by copies of their user name and by a bare integer `uid`, with no foreign key for either.
const DDL = `
  CREATE TABLE accounts (id int PRIMARY KEY, login text NOT NULL, email text NOT NULL, encrypted_password text);
  CREATE UNIQUE INDEX accounts_login ON accounts (login);
  CREATE TABLE staff (id serial PRIMARY KEY, login text, hourly_rate numeric);
  CREATE TABLE staff_projects (id serial PRIMARY KEY, staff_id int REFERENCES staff(id), role text);
  CREATE TABLE two_factor (id serial PRIMARY KEY, uid int NOT NULL, secret text);
  CREATE TABLE releases (id serial PRIMARY KEY, uid int NOT NULL, title text);
  INSERT INTO accounts SELECT g, 'person' || g, 'person' || g || '@example.org', '$2a$12$' || md5(g::text) || md5(g::text) FROM generate_series(1, 40) g;
  INSERT INTO staff (login, hourly_rate) SELECT 'person' || g, 40 + g FROM generate_series(1, 30) g;
  INSERT INTO staff_projects (staff_id, role) SELECT g, 'lead' FROM generate_series(1, 30) g;
  INSERT INTO two_factor (uid, secret) SELECT g, md5(g::text) FROM generate_series(1, 30) g;
  INSERT INTO releases (uid, title) SELECT 1000 + g, 'Release ' || g FROM generate_series(1, 30) g;
`

describe('privacy:scan proposes references that exist only by value', () => {
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-references-'))
    await db.pool.query(DDL)
    await db.pool.query('ANALYZE')
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it("follows copies of the user name and a bare integer uid whose values are the people's, and nothing whose values are not", async () => {
    const report = await writeMapFromScan({pool: db.pool, file: join(dir, 'privacy.yml'), subjectTable: 'public.accounts', today: new Date('2026-11-30')})
    const proposed = report.proposals.map(p => `${p.table}.${p.column} → ${p.to}`)
    expect(proposed).to.include('public.staff.login → public.accounts.login')
    expect(proposed).to.include('public.two_factor.uid → public.accounts.id')
    expect(proposed.filter(p => p.startsWith('public.releases.'))).to.deep.equal([])
    // Reached through the proposed login, the staff's projects are no longer left unreached.
    expect(report.unreachable).to.not.include('public.staff_projects')
  })
})

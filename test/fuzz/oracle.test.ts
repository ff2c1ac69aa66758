import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'

import {appendEvent} from '../../src/lib/ledger/events.js'
import {testPostgres} from '../support/global-hooks.js'
import type {Person} from './model.js'
import {readCatalog} from './oracle/catalog.js'
import type {FailureKind} from './oracle/failures.js'
import {ErasureOutcome, judge} from './oracle/judge.js'
import {readOracleMap} from './oracle/map.js'
import {takeSnapshot} from './oracle/snapshot.js'
import {FuzzEnv, closeFuzzEnv, openFuzzEnv, resetSlot} from './run-case.js'

const person = (key: string, first: string, last: string, ip: string): Person => ({
  key,
  email: `${first}.${last}@mail-fz.test`.toLowerCase(),
  altEmail: `${last}.${first}@alt-fz.test`.toLowerCase(),
  phone: `+44 7700 9000${key}0`,
  name: `${first} ${last}`,
  ip,
  externalId: `cus_${first.toLowerCase()}0000`,
})
const ALICE = person('1', 'Ottilie', 'Quillfeather', '10.1.1.101')
const BOB = person('2', 'Casimir', 'Marchbanks', '10.1.1.102')
const CAROL = person('0', 'Ingrid', 'Ravenscroft', '10.1.1.100')

const SCHEMA = `
  CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, full_name text, referred_by int REFERENCES users ON DELETE SET NULL);
  CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users, note text, total int, meta jsonb);
  CREATE TABLE tickets (requester_email text, body text);
  CREATE TABLE messages (id int PRIMARY KEY, sender_id int REFERENCES users ON DELETE SET NULL, recipient_id int REFERENCES users ON DELETE SET NULL, body text);
  CREATE TABLE notes (id int PRIMARY KEY, owner_ref int, body text);
  CREATE TABLE alerts (id int PRIMARY KEY, cc_emails text[]);
  INSERT INTO users VALUES (0, '${CAROL.email}', '${CAROL.name}', NULL), (1, '${ALICE.email}', '${ALICE.name}', NULL), (2, '${BOB.email}', '${BOB.name}', 1);
  INSERT INTO orders VALUES (1, 1, 'call ${ALICE.phone}', 10, '{"contact": {"email": "${ALICE.email}"}, "tags": [{"email": "${ALICE.altEmail}"}], "sku": "A"}'),
                            (2, 2, 'for ${BOB.name}, cc ${ALICE.email}', 20, '{"contact": {"email": "${BOB.email}"}}');
  INSERT INTO tickets VALUES ('${ALICE.email}', 'from ${ALICE.ip}'), ('${BOB.email}', 'help');
  INSERT INTO messages VALUES (1, 1, 2, 'hi ${BOB.name}'), (2, 2, 0, 'hello');
  INSERT INTO notes VALUES (1, 1, 'about ${ALICE.name}'), (2, 2, 'about ${BOB.name}');
  INSERT INTO alerts VALUES (1, ARRAY['${BOB.email}', '${ALICE.email}']), (2, ARRAY['${BOB.email}']);`

const MAP = `version: 1
subject: {table: public.users, key: id, lookup: [email, id]}
tables:
  public.users:
    erase: delete
    columns: {id: {category: none}, email: {category: contact, erase: hash}, full_name: {category: identity, erase: redact}, referred_by: {category: none}}
  public.orders:
    via: {column: user_id, to: public.users.id}
    erase: anonymize
    columns: {id: {category: none}, user_id: {category: none}, note: {category: free_text, erase: redact}, total: {category: none}, meta: {category: contact, erase: redact, keys: [email]}}
  public.tickets:
    via: {column: requester_email, to: public.users.email}
    erase: delete
    columns: {requester_email: {category: contact, erase: hash}, body: {category: free_text, erase: redact}}
  public.messages:
    via: [{column: sender_id, to: public.users.id}, {column: recipient_id, to: public.users.id}]
    erase: delete
    columns: {id: {category: none}, sender_id: {category: none}, recipient_id: {category: none}, body: {category: free_text, erase: redact}}
  public.notes:
    via: {column: owner_ref, to: public.users.id}
    erase: anonymize
    columns: {id: {category: none}, owner_ref: {category: none}, body: {category: free_text, erase: redact}}
  public.alerts:
    via: {column: cc_emails, to: public.users.email}
    erase: delete
    columns: {id: {category: none}, cc_emails: {category: contact, erase: "null"}}
`

/** A correct erasure of Alice, written by hand: what the tool should do. */
const CORRECT = {
  orders: `UPDATE orders SET note = '[redacted]', meta = meta - 'contact' - 'tags', user_id = NULL WHERE id = 1`,
  tickets: `DELETE FROM tickets WHERE requester_email = '${ALICE.email}'`,
  messages: 'DELETE FROM messages WHERE 1 IN (sender_id, recipient_id)',
  notes: `UPDATE notes SET body = '[redacted]' WHERE owner_ref = 1`,
  alerts: `DELETE FROM alerts WHERE '${ALICE.email}' = ANY (cc_emails)`,
  users: 'DELETE FROM users WHERE id = 1',
}

describe('the fuzz oracle, on erasures written by hand', () => {
  let env: FuzzEnv
  let mapFile: string

  before(async () => {
    env = await openFuzzEnv(testPostgres().url, 1)
    mapFile = join(env.dir, 'hand.yml')
    await writeFile(mapFile, MAP)
  })

  after(async () => {
    await closeFuzzEnv(env)
  })

  /** Builds the schema, runs `statements` as the erasure of Alice, and returns the kinds of failure the oracle finds. */
  async function judgeErasure(
    statements: string[],
    options: {outcome?: ErasureOutcome; record?: Record<string, unknown> | null; restricted?: {person: Person; legalHold: boolean}} = {},
  ): Promise<FailureKind[]> {
    const slot = env.slots[0]!
    await resetSlot(slot)
    await slot.pool.query(SCHEMA)
    const catalog = await readCatalog(slot.pool)
    const map = await readOracleMap(mapFile)
    const before = await takeSnapshot(slot.pool, catalog)
    for (const sql of statements) await slot.pool.query(sql)
    if (options.record !== null)
      await appendEvent(
        {pool: slot.pool, scope: 'test', actor: 'test', clock: () => new Date()},
        {action: 'erasure.executed', details: options.record ?? {rows: 5}},
      )
    const after = await takeSnapshot(slot.pool, catalog)
    const {failures} = await judge({
      pool: slot.pool,
      catalog,
      map,
      before,
      after,
      person: ALICE,
      others: [BOB, CAROL],
      outcome: options.outcome ?? {status: 'done'},
      ...(options.restricted ? {restricted: options.restricted} : {}),
    })
    return failures.map(f => f.kind)
  }

  const correct = (replace: Partial<typeof CORRECT> = {}) => Object.values({...CORRECT, ...replace})

  it("finds nothing wrong with a correct erasure (a pointer to Alice in Bob's row cleared by ON DELETE SET NULL is allowed)", async () => {
    expect(await judgeErasure(correct())).to.deep.equal([])
  })

  it('finds rows the map deletes that are still there, with or without a primary key', async () => {
    expect(await judgeErasure(correct({tickets: 'SELECT 1', messages: 'DELETE FROM messages WHERE id = 0'}))).to.have.members(['rows-remain', 'rows-remain'])
  })

  it('finds rows the map keeps (anonymises) that are gone', async () => {
    expect(await judgeErasure(correct({notes: 'DELETE FROM notes WHERE owner_ref = 1'}))).to.deep.equal(['kept-gone'])
  })

  it('ties a row to the person through an array of addresses when any element names them (and no further)', async () => {
    expect(await judgeErasure(correct({alerts: 'SELECT 1'}))).to.deep.equal(['rows-remain'])
    expect(await judgeErasure(correct({alerts: 'DELETE FROM alerts'}))).to.deep.equal(['others-changed'])
  })

  it('finds an identifier left in an erased column, nested JSON keys and arrays included', async () => {
    expect(await judgeErasure(correct({orders: `UPDATE orders SET note = '[redacted]', meta = meta - 'email', user_id = NULL WHERE id = 1`}))).to.deep.equal([
      'residue',
    ])
    expect(await judgeErasure(correct({notes: 'SELECT 1'}))).to.deep.equal(['residue'])
  })

  it("finds a change to another person's row, and a kept row changed where the map erases nothing", async () => {
    expect(await judgeErasure([...correct(), 'UPDATE orders SET total = 21 WHERE id = 2'])).to.deep.equal(['others-changed'])
    expect(await judgeErasure([...correct(), 'UPDATE orders SET total = 0 WHERE id = 1'])).to.deep.equal(['unclaimed-changed'])
  })

  it('finds a kept row handed to someone else through its reference', async () => {
    expect(await judgeErasure(correct({notes: `UPDATE notes SET body = '[redacted]', owner_ref = 0 WHERE owner_ref = 1`}))).to.have.members([
      'handed-over',
      'unclaimed-changed',
    ])
  })

  it('finds a shared row deleted although the other person restricted it, and leaves alone restrictions the erasure does not meet', async () => {
    // The message Alice sent Bob, and the alert copied to both.
    expect(await judgeErasure(correct(), {restricted: {person: BOB, legalHold: false}})).to.deep.equal(['restricted-changed', 'restricted-changed'])
    expect(await judgeErasure(correct(), {restricted: {person: CAROL, legalHold: true}})).to.deep.equal([])
  })

  it("finds an erasure that recorded nothing, or recorded the person's email, in the ledger", async () => {
    expect(await judgeErasure(correct(), {record: null})).to.deep.equal(['ledger'])
    expect(await judgeErasure(correct(), {record: {pk: ALICE.email}})).to.deep.equal(['ledger'])
  })

  it('accepts a refusal that changed nothing, and finds one that changed something, crashed, or caught its own residue', async () => {
    const refused: ErasureOutcome = {status: 'refused', error: {code: 'erase_blocked', exitCode: 4, message: 'refused'}}
    expect(await judgeErasure([], {outcome: refused, record: null})).to.deep.equal([])
    expect(await judgeErasure([CORRECT.tickets], {outcome: refused, record: null})).to.deep.equal(['changed-on-refusal'])
    expect(await judgeErasure([], {outcome: {status: 'crash', error: {message: 'syntax error'}}, record: null})).to.deep.equal(['crash'])
    const caught: ErasureOutcome = {
      status: 'refused',
      error: {code: 'residue', exitCode: 3, message: "The residue check found the person's identifiers where this erasure should have removed them"},
    }
    expect(await judgeErasure([], {outcome: caught, record: null})).to.deep.equal(['self-caught'])
  })
})

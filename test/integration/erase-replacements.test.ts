import {expect} from 'chai'

import {introspect} from '../../src/lib/db/introspect.js'
import {SqlParams} from '../../src/lib/db/params.js'
import {REPLACEMENT_TEXT_PATTERN, columnAssignment} from '../../src/lib/erase/strategies.js'
import {useDatabase} from '../support/context.js'

/** Text columns whose names pick a shape of fake value, each also unique, where a redacted or fake value differs per row. */
const COLUMNS = ['email', 'phone', 'full_name', 'body']

describe('what redact and fake write into text columns', () => {
  const db = useDatabase()

  before(async () => {
    const columns = COLUMNS.flatMap(c => [`${c} text`, `${c}_u text UNIQUE`])
    await db.pool.query(`CREATE TABLE people (id int PRIMARY KEY, ${columns.join(', ')})`)
    await db.pool.query(`INSERT INTO people (id) SELECT generate_series(1, 20)`)
  })

  it('is recognised as a replacement, so an erasure of the same row again does not read it as the next person', async () => {
    const table = (await introspect(db.pool)).tables.get('public.people')!
    for (const column of table.columns.filter(c => c.name !== 'id')) {
      for (const erase of ['redact', 'fake'] as const) {
        const params = new SqlParams()
        const assignment = columnAssignment(
          column,
          {category: 'identity', erase},
          {table, keyText: 't.id::text', hashKey: Buffer.alloc(32, 7), param: params.add},
        )
        const {rows} = await db.pool.query<{value: string; recognised: boolean}>(
          `SELECT v AS value, lower(v) ~ $${params.values.length + 1} AS recognised FROM (SELECT ${assignment!} AS v FROM people t) s`,
          [...params.values, REPLACEMENT_TEXT_PATTERN],
        )
        expect(rows).to.have.length(20)
        for (const row of rows) expect(row.recognised, `${erase} of ${column.name}: ${row.value}`).to.equal(true)
      }
    }
  })

  it('is told apart from real identifiers of the same shapes', async () => {
    const real = [
      'alice@example.com',
      'user-1234@example.com',
      'redacted@example.com',
      '+1 555 123 4567',
      '+1 555 0100 1234',
      'person of interest',
      'fake-news',
      'fake-0123456789abcdef',
      'user-0123456789ab',
      'Person ABCDEFG',
    ]
    const {rows} = await db.pool.query<{value: string}>('SELECT v AS value FROM unnest($1::text[]) AS v WHERE lower(v) ~ $2', [real, REPLACEMENT_TEXT_PATTERN])
    expect(rows.map(r => r.value)).to.deep.equal([])
  })
})

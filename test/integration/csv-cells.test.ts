import {expect} from 'chai'
import type pg from 'pg'

import {introspect} from '../../src/lib/db/introspect.js'
import {quoteIdent} from '../../src/lib/db/sql.js'
import {csvCell} from '../../src/lib/export/csv-cells.js'
import {useDatabase} from '../support/context.js'
import {copyOut} from '../support/copy-out.js'

/** Values at the edges of each type a CSV cell writes without an expression of its own, or with a cheaper one. */
const VALUES: Record<string, string[]> = {
  int2: ['-32768', '0', '32767'],
  int4: ['-2147483648', '2147483647'],
  int8: ['-9223372036854775808', '9223372036854775807'],
  numeric: ['NaN', 'Infinity', '-Infinity', '-0.000100', '12345678901234567890.50', '0.00000000000000000001'],
  float4: ['NaN', 'Infinity', '-Infinity', '-0', '1e-45', '3.4e38', '0.1'],
  float8: ['NaN', '-Infinity', '-0', '1e308', '5e-324', '0.1', '123456789012345680000'],
  oid: ['0', '4294967295'],
  bool: ['true', 'false'],
  timestamptz: [
    '2025-03-01 12:30:00.123456+02',
    'infinity',
    '-infinity',
    '0044-03-15 12:00:00+00 BC',
    '12345-01-01 00:00:00+00',
    '1999-12-31 23:59:59.5+05:30',
  ],
  timestamp: ['2025-03-01 12:30:00.123456', 'infinity', '-infinity', '0044-03-15 12:00:00 BC', '294276-12-31 23:59:59.999999'],
  date: ['2025-02-28', 'infinity', '-infinity', '4713-01-01 BC', '5874897-12-31'],
  time: ['00:00:00', '24:00:00', '23:59:59.999999', '12:00:00.5'],
  timetz: ['12:34:56+05:30', '00:00:00.000001-15:59', '23:59:59+00', '10:00:00+05:30:15'],
}

/** COPY's CSV output of one statement, as text. */
const copyCsv = (client: pg.ClientBase, select: string) => copyOut(client, `COPY (${select}) TO STDOUT WITH (FORMAT csv)`)

/** One row per value of the type with the most, the last NULL in every column. */
const ROWS = Math.max(...Object.values(VALUES).map(v => v.length)) + 1

describe('CSV cells Postgres encodes', () => {
  const db = useDatabase()

  before(async () => {
    const types = Object.keys(VALUES)
    await db.pool.query(`CREATE TABLE cells (n int PRIMARY KEY, ${types.map(t => `${quoteIdent(`c_${t}`)} ${t}`).join(', ')})`)
    for (let n = 0; n < ROWS; n++) {
      // The last row holds NULL in every column.
      const values = types.map(t => VALUES[t]![n] ?? null)
      await db.pool.query(`INSERT INTO cells VALUES ($1, ${types.map((t, i) => `$${i + 2}::${t}`).join(', ')})`, [n, ...values])
    }
  })

  for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns']) {
    it(`writes numbers as COPY prints their text, and times as the JSON export's strings, in ${zone}`, async () => {
      const schema = await introspect(db.pool)
      const table = schema.tables.get('public.cells')!
      const client = await db.pool.connect()
      try {
        await client.query(`SET TimeZone = '${zone}'`)
        for (const type of Object.keys(VALUES)) {
          const column = table.columns.find(c => c.name === `c_${type}`)!
          const ident = `t.${quoteIdent(column.name)}`
          // What the cell must be: the text of the number (true/false for booleans), the JSON string of a time unquoted.
          const reference = ['timestamptz', 'timestamp', 'date', 'time', 'timetz'].includes(type) ? `(to_json(${ident}) #>> '{}')` : `${ident}::text`
          const expected = await copyCsv(client, `SELECT n, ${reference} FROM cells t ORDER BY n`)
          const actual = await copyCsv(client, `SELECT n, ${csvCell(column, ident)} FROM cells t ORDER BY n`)
          expect(actual, type).to.equal(expected)
          expect(expected.split('\n').length, type).to.equal(ROWS + 1)
        }
      } finally {
        client.release()
      }
    })
  }
})

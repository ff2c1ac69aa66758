import {expect} from 'chai'
import type pg from 'pg'

import {introspect} from '../../src/lib/db/introspect.js'
import {quoteIdent} from '../../src/lib/db/sql.js'
import {jsonLineSql} from '../../src/lib/export/json-lines.js'
import {useDatabase} from '../support/context.js'
import {copyOut} from '../support/copy-out.js'

/** Columns of many types, with names JSON must escape, and values at the edges of each type; every row after the values is NULL. */
const COLUMNS: Array<{name: string; type: string; values: string[]}> = [
  {name: 'small', type: 'smallint', values: ['-32768', '0', '32767']},
  {name: 'whole', type: 'integer', values: ['-2147483648', '2147483647']},
  {name: 'big', type: 'bigint', values: ['-9223372036854775808', '9223372036854775807']},
  {name: 'serial number', type: 'numeric', values: ['NaN', 'Infinity', '-Infinity', '-0.000100', '12345678901234567890.50']},
  {name: 'ratio', type: 'double precision', values: ['NaN', '-Infinity', '-0', '1e308', '5e-324', '0.1']},
  {name: 'tiny', type: 'real', values: ['Infinity', '1e-45', '3.4e38']},
  {name: 'oid', type: 'oid', values: ['0', '4294967295']},
  {name: 'flag', type: 'boolean', values: ['true', 'false']},
  {name: 'say "hi"', type: 'text', values: ['plain', 'quote " and \\ backslash', 'line\nbreak\ttab\r', '\u0001\u001f\u007f', 'Ünïcødé 😀 \u2028 /', '']},
  {name: 'back\\slash', type: 'character varying(20)', values: ['a', '{"not": "json"}']},
  {name: 'padded', type: 'character(5)', values: ['ab', 'abcde']},
  {name: 'new\nline', type: 'text', values: ['x']},
  {name: 'Café', type: 'uuid', values: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']},
  {
    name: 'at',
    type: 'timestamp with time zone',
    values: ['2025-03-01 12:30:00.123456+02', 'infinity', '-infinity', '0044-03-15 12:00:00+00 BC', '12345-01-01 00:00:00+00'],
  },
  {name: 'local', type: 'timestamp without time zone', values: ['2025-03-01 12:30:00.5', '0044-03-15 12:00:00 BC']},
  {name: 'day', type: 'date', values: ['2025-02-28', 'infinity', '4713-01-01 BC']},
  {name: 'clock', type: 'time with time zone', values: ['10:00:00+05:30:15']},
  {name: 'span', type: 'interval', values: ['1 year 2 mons -3 days 04:05:06.7', '-00:00:01']},
  {name: 'address', type: 'inet', values: ['192.168.0.1/24', '::1']},
  {name: 'cost', type: 'money', values: ['12.34']},
  {name: 'doc', type: 'json', values: ['{"a" :  1,\n "b": [true, null]}', '"text"', '12.50']},
  {name: 'docb', type: 'jsonb', values: ['{"b": [1, 2.50], "a": "x\\ny"}', 'null', '[]']},
  {name: 'numbers', type: 'integer[]', values: ['{1,NULL,3}', '{}', '{{1,2},{3,4}}']},
  {name: 'words', type: 'text[]', values: ['{"a b","c\\"d",NULL}']},
  {name: 'blob', type: 'bytea', values: ['\\x00ff10']},
  {name: 'mood', type: 'mood', values: ['happy']},
  {name: 'positive', type: 'positive', values: ['7']},
  {name: 'pair', type: 'pair', values: ['(1,"x y")']},
  {name: 'range', type: 'int4range', values: ['[1,5)', 'empty']},
  {name: 'bits', type: 'bit varying(8)', values: ['1010']},
]
const ROWS = Math.max(...COLUMNS.map(c => c.values.length)) + 1

/** COPY's output of one statement, as the JSON export reads it. */
const copyText = (client: pg.ClientBase, select: string) => copyOut(client, `COPY (${select}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`)

describe('JSON lines Postgres encodes', () => {
  const db = useDatabase()

  before(async () => {
    await db.pool.query(`CREATE TYPE mood AS ENUM ('happy', 'sad'); CREATE DOMAIN positive AS integer CHECK (VALUE > 0); CREATE TYPE pair AS (n int, s text)`)
    await db.pool.query(`CREATE TABLE cells (n int PRIMARY KEY, ${COLUMNS.map(c => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`)
    for (let n = 0; n < ROWS; n++) {
      const values = COLUMNS.map(c => c.values[n] ?? null)
      await db.pool.query(`INSERT INTO cells VALUES ($1, ${COLUMNS.map((c, i) => `$${i + 2}::${c.type}`).join(', ')})`, [n, ...values])
    }
  })

  for (const zone of ['UTC', 'America/St_Johns']) {
    it(`writes each row as row_to_json does, byte for byte, in ${zone}`, async () => {
      const table = (await introspect(db.pool)).tables.get('public.cells')!
      const client = await db.pool.connect()
      try {
        await client.query(`SET TimeZone = '${zone}'`)
        const names = table.columns.map(c => c.name)
        const expected = await copyText(client, `SELECT row_to_json(r)::text || ',' FROM (SELECT ${names.map(quoteIdent).join(', ')} FROM cells ORDER BY n) r`)
        const line = jsonLineSql(table.columns.map(column => ({name: column.name, value: `t.${quoteIdent(column.name)}`, column})))
        const actual = await copyText(client, `SELECT ${line} FROM cells t ORDER BY n`)
        expect(actual).to.equal(expected)
        // Framed as the archive frames it, the lines are one JSON array of every row.
        const rows = JSON.parse(`[${actual.replace(/\x01/g, '').replace(/,\n$/, '')}]`) as unknown[]
        expect(rows).to.have.length(ROWS)
      } finally {
        client.release()
      }
    })
  }

  it('writes a jsonb expression as its text, and a row with no columns as {}', async () => {
    const client = await db.pool.connect()
    try {
      const expected = await copyText(
        client,
        `SELECT row_to_json(r)::text || ',' FROM (SELECT to_jsonb(t.n) AS "kept", to_jsonb('person-' || t.n) AS "replaced", NULL::jsonb AS "none" FROM cells t ORDER BY n) r`,
      )
      const line = jsonLineSql([
        {name: 'kept', value: 'to_jsonb(t.n)', jsonb: true},
        {name: 'replaced', value: `to_jsonb('person-' || t.n)`, jsonb: true},
        {name: 'none', value: 'NULL::jsonb', jsonb: true},
      ])
      expect(await copyText(client, `SELECT ${line} FROM cells t ORDER BY n`)).to.equal(expected)
      expect(await copyText(client, `SELECT ${jsonLineSql([])}`)).to.equal(await copyText(client, `SELECT row_to_json(r)::text || ',' FROM (SELECT) r`))
    } finally {
      client.release()
    }
  })
})

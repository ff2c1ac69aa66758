import type pg from 'pg'
import QueryStream from 'pg-query-stream'

import type {DataMap} from '../datamap/schema.js'
import {quoteIdent} from '../db/sql.js'
import {keyIsPersonal, recordedKeySql} from '../ledger/row-keys.js'
import type {RecordedSelection} from '../subject/keyset.js'

/**
 * The rows an event recorded, copied from the ledger into a temporary table
 * of the copy being reconciled, a batch at a time: replay selects through it
 * inside Postgres, so client memory does not grow with the rows recorded.
 */
export const RECORDED = 'pg_temp.hp_recorded'
const BATCH = 5000

export async function loadRecordedRows(ledger: pg.Pool, target: pg.ClientBase, seq: number): Promise<Map<string, number>> {
  await target.query(`DROP TABLE IF EXISTS ${RECORDED}`)
  await target.query('CREATE TEMPORARY TABLE hp_recorded (table_name text NOT NULL, pk text NOT NULL) ON COMMIT DROP')
  const client = await ledger.connect()
  try {
    const stream = client.query(
      new QueryStream('SELECT table_name, pk FROM heroku_privacy.event_rows WHERE seq = $1', [seq], {batchSize: BATCH, rowMode: 'array'}),
    )
    let batch: Array<[string, string]> = []
    const flush = async () => {
      if (batch.length === 0) return
      await target.query(`INSERT INTO ${RECORDED} SELECT * FROM unnest($1::text[], $2::text[])`, [batch.map(r => r[0]), batch.map(r => r[1])])
      batch = []
    }
    for await (const row of stream) {
      batch.push(row as [string, string])
      if (batch.length >= BATCH) await flush()
    }
    await flush()
  } finally {
    client.release()
  }
  await target.query(`ANALYZE ${RECORDED}`)
  const {rows} = await target.query<{table_name: string; n: string}>(`SELECT table_name, count(*) AS n FROM ${RECORDED} GROUP BY 1`)
  return new Map(rows.map(r => [r.table_name, Number(r.n)]))
}

/**
 * Rows are recognised by the name the ledger gave them: a plain key is
 * compared typed (so an index can serve it), a keyed hash by computing the
 * same hash over the copy's rows.
 */
export function recordedSelection(map: DataMap, rowKey: Buffer): RecordedSelection {
  return {
    condition(table, alias, param) {
      if (table.primaryKey.length === 1 && !keyIsPersonal(table, map)) {
        const column = table.columns.find(c => c.name === table.primaryKey[0])!
        return `${alias}.${quoteIdent(column.name)} IN (SELECT pk::${column.type} FROM ${RECORDED} WHERE table_name = ${param(table.key)})`
      }
      return `${recordedKeySql(table, map, alias, rowKey, param)} IN (SELECT pk FROM ${RECORDED} WHERE table_name = ${param(table.key)})`
    },
  }
}

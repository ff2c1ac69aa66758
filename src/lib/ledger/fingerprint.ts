import {createHmac, randomBytes} from 'node:crypto'

import type pg from 'pg'

/**
 * The per-app HMAC key, made on first use and kept in heroku_privacy.keys of
 * the ledger database (back that database up: without the key, recorded
 * fingerprints can no longer be matched to a person).
 */
export async function subjectKey(client: pg.ClientBase, scope: string): Promise<Buffer> {
  const read = async () => (await client.query<{hmac_key: Buffer}>('SELECT hmac_key FROM heroku_privacy.keys WHERE scope = $1', [scope])).rows[0]?.hmac_key
  const existing = await read()
  if (existing) return existing
  await client.query('INSERT INTO heroku_privacy.keys (scope, hmac_key) VALUES ($1, $2) ON CONFLICT (scope) DO NOTHING', [scope, randomBytes(32)])
  return (await read())!
}

/** How a person is recorded in the ledger: never the value itself, only a keyed hash of it. */
export function fingerprint(key: Buffer, column: string, value: string): string {
  return createHmac('sha256', key)
    .update(`${column}\0${value.normalize('NFC').trim().toLowerCase()}`)
    .digest('hex')
}

/** The scope's key, read through the ledger's own pool. */
export async function ledgerKey(pool: pg.Pool, scope: string): Promise<Buffer> {
  const client = await pool.connect()
  try {
    return await subjectKey(client, scope)
  } finally {
    client.release()
  }
}

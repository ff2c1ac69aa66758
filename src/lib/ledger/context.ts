import type pg from 'pg'

/** What every ledger operation needs: where the ledger is, whose app it serves, who acts, and the time. */
export interface LedgerContext {
  pool: pg.Pool
  /** The app (or database) the records belong to; one ledger database can serve several. */
  scope: string
  /** The Heroku account email, or --actor outside Heroku. */
  actor: string
  clock: () => Date
}

/** Runs `work` in one transaction on one connection; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}

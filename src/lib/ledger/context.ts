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

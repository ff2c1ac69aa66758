import type pg from 'pg'

import {PrivacyError} from '../errors.js'

/** Serialises schema changes between concurrent runs of the tool (any constant unique to it). */
const MIGRATION_LOCK = 0x68705f6d

export const LEDGER_SCHEMA = 'heroku_privacy'

/** Append only: each entry runs once, in order, inside the same transaction as its version row. */
const MIGRATIONS: Array<{version: number; name: string; sql: string}> = [
  {
    version: 1,
    name: 'requests and the event chain',
    sql: `
      CREATE TABLE heroku_privacy.keys (
        scope text PRIMARY KEY,
        hmac_key bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      REVOKE ALL ON heroku_privacy.keys FROM PUBLIC;

      CREATE SEQUENCE heroku_privacy.request_numbers;
      CREATE TABLE heroku_privacy.requests (
        id text PRIMARY KEY,
        scope text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('access', 'erasure', 'restriction', 'rectification', 'objection', 'portability')),
        subject_column text NOT NULL,
        subject_fingerprint text NOT NULL,
        reference text,
        received_on date NOT NULL,
        due_on date NOT NULL,
        extended_months integer NOT NULL DEFAULT 0 CHECK (extended_months BETWEEN 0 AND 2),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        outcome text,
        closed_at timestamptz,
        opened_by text NOT NULL,
        opened_at timestamptz NOT NULL
      );
      CREATE INDEX requests_open ON heroku_privacy.requests (scope, due_on) WHERE status = 'open';

      CREATE TABLE heroku_privacy.events (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        scope text NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        request_id text REFERENCES heroku_privacy.requests (id),
        details jsonb NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL UNIQUE
      );
      CREATE INDEX events_request ON heroku_privacy.events (request_id);

      CREATE FUNCTION heroku_privacy.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'heroku_privacy.% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON heroku_privacy.events
        FOR EACH ROW EXECUTE FUNCTION heroku_privacy.reject_change();
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON heroku_privacy.events
        FOR EACH STATEMENT EXECUTE FUNCTION heroku_privacy.reject_change();
    `,
  },
]

export const LATEST_LEDGER_VERSION = MIGRATIONS.at(-1)!.version

/**
 * Creates or upgrades the heroku_privacy schema. Idempotent, and safe when two
 * runs start at once: the advisory lock makes the second wait, then find
 * nothing left to do.
 */
export async function migrateLedger(pool: pg.Pool, label: string): Promise<{applied: number[]}> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query('CREATE SCHEMA IF NOT EXISTS heroku_privacy')
    await client.query('CREATE TABLE IF NOT EXISTS heroku_privacy.schema_versions (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())')
    const {rows} = await client.query<{version: number}>('SELECT version FROM heroku_privacy.schema_versions')
    const done = new Set(rows.map(r => r.version))
    const applied: number[] = []
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue
      await client.query(migration.sql)
      await client.query('INSERT INTO heroku_privacy.schema_versions (version, name) VALUES ($1, $2)', [migration.version, migration.name])
      applied.push(migration.version)
    }
    await client.query('COMMIT')
    return {applied}
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    if ((error as {code?: string}).code === '42501') {
      throw new PrivacyError(`This role may not create the ledger (schema heroku_privacy) in ${label}. Keep the ledger in a database it can write with --ledger-url or --ledger-database.`, {code: 'ledger_not_writable'})
    }
    throw error
  } finally {
    client.release()
  }
}

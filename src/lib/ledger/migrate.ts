import type pg from 'pg'

import {Migration, runMigrations} from '../db/migrations.js'

/** Append only: each entry runs once, in order, inside the same transaction as its version row. */
const MIGRATIONS: Migration[] = [
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
  {
    version: 2,
    name: 'rows touched by an event',
    sql: `
      -- The primary keys an erasure or restriction touched, kept beside the chain (an event holds their count and digest),
      -- so a restored copy of the database can be reconciled without any personal data in the ledger.
      CREATE TABLE heroku_privacy.event_rows (
        seq bigint NOT NULL REFERENCES heroku_privacy.events (seq),
        table_name text NOT NULL,
        pk text NOT NULL,
        PRIMARY KEY (seq, table_name, pk)
      );
      CREATE TRIGGER event_rows_append_only BEFORE UPDATE OR DELETE ON heroku_privacy.event_rows
        FOR EACH ROW EXECUTE FUNCTION heroku_privacy.reject_change();
      CREATE TRIGGER event_rows_no_truncate BEFORE TRUNCATE ON heroku_privacy.event_rows
        FOR EACH STATEMENT EXECUTE FUNCTION heroku_privacy.reject_change();
    `,
  },
  {
    version: 3,
    name: 'laws, extensions in days and identity verification',
    sql: `
      ALTER TABLE heroku_privacy.requests
        ADD COLUMN law text NOT NULL DEFAULT 'gdpr' CHECK (law IN ('gdpr', 'uk-gdpr', 'ccpa', 'lgpd', 'pipeda')),
        ADD COLUMN extended_days integer NOT NULL DEFAULT 0 CHECK (extended_days BETWEEN 0 AND 45),
        ADD COLUMN acknowledge_by date,
        ADD COLUMN verified_by text,
        ADD COLUMN verification_method text;
    `,
  },
  {
    version: 4,
    name: 'rows touched without a per-row foreign key',
    sql: `
      -- Checking each of an erasure's hundreds of thousands of rows against its event cost more than writing them;
      -- the event's hash-chained row_count and rows_digest prove the rows, and ledger:verify checks them.
      ALTER TABLE heroku_privacy.event_rows DROP CONSTRAINT IF EXISTS event_rows_seq_fkey;
    `,
  },
]

export const LATEST_LEDGER_VERSION = MIGRATIONS.at(-1)!.version

/** Creates or upgrades the ledger's tables (requests, events, keys) in the heroku_privacy schema. */
export function migrateLedger(pool: pg.Pool, label: string): Promise<{applied: number[]}> {
  return runMigrations(pool, {
    component: 'ledger',
    migrations: MIGRATIONS,
    label,
    remedy: 'Keep the ledger in a database it can write with --ledger-url or --ledger-database.',
  })
}

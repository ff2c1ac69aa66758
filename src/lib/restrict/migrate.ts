import type pg from 'pg'

import {Migration, runMigrations} from '../db/migrations.js'

/**
 * The restriction registry lives in the app database itself (even when the
 * ledger is elsewhere): the views, the is_restricted() function and the
 * enforcement triggers must be able to read it.
 */
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'restriction registry',
    sql: `
      CREATE SEQUENCE heroku_privacy.restriction_numbers;
      CREATE TABLE heroku_privacy.restrictions (
        id text PRIMARY KEY,
        scope text NOT NULL,
        subject_column text NOT NULL,
        subject_fingerprint text NOT NULL,
        reason text NOT NULL CHECK (reason IN ('accuracy', 'unlawful', 'legal-claim', 'objection')),
        request_id text,
        legal_hold boolean NOT NULL DEFAULT false,
        snapshot jsonb,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        lifted_at timestamptz,
        lifted_by text,
        approved_by text,
        evidence text
      );
      CREATE UNIQUE INDEX restrictions_one_active ON heroku_privacy.restrictions (scope, subject_fingerprint) WHERE lifted_at IS NULL;

      CREATE TABLE heroku_privacy.restricted_rows (
        restriction_id text NOT NULL REFERENCES heroku_privacy.restrictions (id),
        table_name text NOT NULL,
        pk text NOT NULL,
        PRIMARY KEY (table_name, pk, restriction_id)
      );

      CREATE TABLE heroku_privacy.bypass_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        table_name text NOT NULL,
        pk text NOT NULL,
        operation text NOT NULL,
        reason text NOT NULL,
        db_user text NOT NULL DEFAULT session_user,
        recorded boolean NOT NULL DEFAULT false
      );

      CREATE FUNCTION heroku_privacy.is_restricted(tbl regclass, pk text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
        SELECT EXISTS (
          SELECT 1 FROM heroku_privacy.restricted_rows r JOIN heroku_privacy.restrictions x ON x.id = r.restriction_id
          JOIN pg_class c ON c.oid = tbl JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE x.lifted_at IS NULL AND r.pk = $2 AND r.table_name = n.nspname || '.' || c.relname)
      $$;
      GRANT USAGE ON SCHEMA heroku_privacy TO PUBLIC;
    `,
  },
]

export function migrateRegistry(pool: pg.Pool, label: string): Promise<{applied: number[]}> {
  return runMigrations(pool, {
    component: 'registry',
    migrations: MIGRATIONS,
    label,
    remedy: 'Restriction needs a role that can create a schema in the app database (the default Heroku credential can).',
  })
}

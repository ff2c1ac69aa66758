import type pg from 'pg'

import {PrivacyError} from '../errors.js'
import {inTransaction} from './transaction.js'

/** Serialises schema changes between concurrent runs of the tool (any constant unique to it). */
export const MIGRATION_LOCK = 0x68705f6d

export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * Applies a component's missing migrations to the heroku_privacy schema, in
 * one transaction. Idempotent, and safe when two runs start at once: the
 * advisory lock makes the second wait, then find nothing left to do.
 */
export async function runMigrations(
  pool: pg.Pool,
  input: {component: string; migrations: Migration[]; label: string; remedy: string},
): Promise<{applied: number[]}> {
  try {
    return await inTransaction(pool, {}, client => applyMissing(client, input))
  } catch (error) {
    if ((error as {code?: string}).code === '42501') {
      throw new PrivacyError(`This role may not create the heroku_privacy schema's ${input.component} tables in ${input.label}. ${input.remedy}`, {
        code: 'schema_not_writable',
        details: {component: input.component},
      })
    }
    throw error
  }
}

async function applyMissing(client: pg.PoolClient, input: {component: string; migrations: Migration[]}): Promise<{applied: number[]}> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
  await client.query('CREATE SCHEMA IF NOT EXISTS heroku_privacy')
  await client.query(`CREATE TABLE IF NOT EXISTS heroku_privacy.schema_versions (
      component text NOT NULL, version integer NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (component, version))`)
  const {rows} = await client.query<{version: number}>('SELECT version FROM heroku_privacy.schema_versions WHERE component = $1', [input.component])
  const done = new Set(rows.map(r => r.version))
  const applied: number[] = []
  for (const migration of input.migrations) {
    if (done.has(migration.version)) continue
    await client.query(migration.sql)
    await client.query('INSERT INTO heroku_privacy.schema_versions (component, version, name) VALUES ($1, $2, $3)', [
      input.component,
      migration.version,
      migration.name,
    ])
    applied.push(migration.version)
  }
  return {applied}
}

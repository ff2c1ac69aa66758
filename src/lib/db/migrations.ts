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
 * advisory lock makes the second wait, then find nothing left to do. A schema
 * already up to date costs one query: no transaction, lock or DDL.
 */
export async function runMigrations(
  pool: pg.Pool,
  input: {component: string; migrations: Migration[]; label: string; remedy: string},
): Promise<{applied: number[]}> {
  if (await isCurrent(pool, input)) return {applied: []}
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

/** Whether every migration of the component is recorded; any error (no schema yet, no table yet) leaves the answer to applyMissing. */
async function isCurrent(pool: pg.Pool, input: {component: string; migrations: Migration[]}): Promise<boolean> {
  const done = await recordedVersions(pool, input.component).catch(() => undefined)
  return done !== undefined && input.migrations.every(m => done.has(m.version))
}

async function recordedVersions(client: pg.Pool | pg.PoolClient, component: string): Promise<Set<number>> {
  const {rows} = await client.query<{version: number}>('SELECT version FROM heroku_privacy.schema_versions WHERE component = $1', [component])
  return new Set(rows.map(r => r.version))
}

async function applyMissing(client: pg.PoolClient, input: {component: string; migrations: Migration[]}): Promise<{applied: number[]}> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
  await client.query('CREATE SCHEMA IF NOT EXISTS heroku_privacy')
  await client.query(`CREATE TABLE IF NOT EXISTS heroku_privacy.schema_versions (
      component text NOT NULL, version integer NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (component, version))`)
  const done = await recordedVersions(client, input.component)
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

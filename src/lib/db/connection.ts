import pg from 'pg'

import {PrivacyError} from '../errors.js'
import {passwordOfUrl, redactSecrets} from '../redact.js'

export interface DatabaseTarget {
  url: string
  /** How the database is named to people: `app::ATTACHMENT` or host:port/db. */
  label: string
}

export interface ConnectionOptions {
  /** PGSSLMODE from the caller's environment; the URL's own sslmode wins over it. */
  sslMode?: string
  applicationName?: string
  statementTimeoutMs?: number
  lockTimeoutMs?: number
  idleInTransactionTimeoutMs?: number
  connectTimeoutMs?: number
  maxConnections?: number
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', ''])

/**
 * TLS as the heroku CLI sets it up: required (without verifying Heroku's
 * self-signed certificates) for remote hosts, off for local ones, and
 * whatever sslmode or PGSSLMODE asks for when given.
 */
export function tlsSetting(host: string, sslMode: string | undefined): pg.ClientConfig['ssl'] {
  const mode = (sslMode ?? (LOCAL_HOSTS.has(host) || host.startsWith('/') ? 'disable' : 'require')).toLowerCase()
  if (mode === 'disable') return false
  if (mode === 'verify-ca' || mode === 'verify-full') return {rejectUnauthorized: true}
  return {rejectUnauthorized: false}
}

export function parsePostgresUrl(url: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new PrivacyError('The database URL is not a valid URL. Use postgres://USER:PASSWORD@HOST:PORT/DATABASE.', {code: 'invalid_database_url', exitCode: 2})
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new PrivacyError(`The database URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//). Use postgres://USER:PASSWORD@HOST:PORT/DATABASE.`, {code: 'invalid_database_url', exitCode: 2})
  }
  if (!parsed.pathname || parsed.pathname === '/') {
    throw new PrivacyError('The database URL names no database. Use postgres://USER:PASSWORD@HOST:PORT/DATABASE.', {code: 'invalid_database_url', exitCode: 2})
  }
  return parsed
}

export function poolConfig(target: DatabaseTarget, options: ConnectionOptions = {}): pg.PoolConfig {
  const parsed = parsePostgresUrl(target.url)
  const sslMode = parsed.searchParams.get('sslmode') ?? options.sslMode
  // pg would let the URL's own ssl parameters override ours; take them out so one rule decides.
  for (const param of ['sslmode', 'ssl', 'sslcert', 'sslkey', 'sslrootcert']) parsed.searchParams.delete(param)
  return {
    connectionString: parsed.toString(),
    ssl: tlsSetting(parsed.hostname, sslMode ?? undefined),
    application_name: options.applicationName ?? 'heroku-privacy',
    statement_timeout: options.statementTimeoutMs ?? 5 * 60_000,
    lock_timeout: options.lockTimeoutMs ?? 10_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 5 * 60_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 15_000,
    max: options.maxConnections ?? 4,
  }
}

/** One line, naming the database by its label, for a failure to connect or query. */
export function describeDatabaseError(error: unknown, target: DatabaseTarget): PrivacyError {
  if (error instanceof PrivacyError) return error
  const e = error as {code?: string; message?: string}
  const message = redactSecrets(String(e?.message ?? error), [passwordOfUrl(target.url)])
  const on = `${target.label}`
  switch (e?.code) {
    case '28P01':
    case '28000':
      return new PrivacyError(`Authentication failed for ${on}: the credentials were refused. If they were rotated, fetch the current ones (\`heroku pg:credentials:url\`) and try again.`, {code: 'db_auth_failed'})
    case '3D000':
      return new PrivacyError(`The database of ${on} does not exist. Check --database or --database-url.`, {code: 'db_missing'})
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ECONNRESET':
      return new PrivacyError(`Could not connect to ${on} (${e.code}). Check that it is running and reachable from here; Shield and Private Space databases are reachable only from dynos in their space (\`heroku run\`).`, {code: 'db_unreachable'})
    case '42501':
      return new PrivacyError(`Permission denied on ${on}: ${message}. Use a role that can read the tables (see \`heroku pg:credentials\`).`, {code: 'db_permission_denied'})
    case '57014':
      return new PrivacyError(`A query on ${on} ran past its statement timeout: ${message}.`, {code: 'db_timeout'})
    case '55P03':
      return new PrivacyError(`Could not take a lock on ${on} in time (another session holds it): ${message}. Try again when it is quieter.`, {code: 'db_lock_timeout'})
    default:
      if (/timeout expired|Connection terminated due to connection timeout/i.test(message)) {
        return new PrivacyError(`Timed out connecting to ${on}. Check that it is reachable from here.`, {code: 'db_unreachable'})
      }
      return new PrivacyError(`Database error on ${on}: ${message}`, {code: e?.code ? `db_${e.code}` : 'db_error'})
  }
}

export interface Database {
  pool: pg.Pool
  target: DatabaseTarget
  close(): Promise<void>
}

/** Opens a pool and proves it works with one round trip, so failures surface here with a clear message. */
export async function openDatabase(target: DatabaseTarget, options: ConnectionOptions = {}): Promise<Database> {
  const pool = new pg.Pool(poolConfig(target, options))
  // An idle client that dies (e.g. the server restarts) must not crash the process.
  pool.on('error', () => {})
  try {
    await pool.query('SELECT 1')
  } catch (error) {
    await pool.end().catch(() => {})
    throw describeDatabaseError(error, target)
  }
  return {
    pool,
    target,
    close: () => pool.end(),
  }
}

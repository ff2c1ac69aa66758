import pg from 'pg'

import {PrivacyError} from '../errors.js'
import {passwordOfUrl, redactSecrets} from '../redact.js'
import {Bastion, Tunnel, describeTunnelFailure, openTunnel} from './tunnel.js'

export interface DatabaseTarget {
  url: string
  /** How the database is named to people: `app::ATTACHMENT` or host:port/db. */
  label: string
  /** Private and Shield databases are reached only through their space's bastion. */
  bastion?: Bastion | null
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
  /** How long a bastion may take to accept the SSH connection. */
  tunnelTimeoutMs?: number
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
    throw new PrivacyError(
      `The database URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//). Use postgres://USER:PASSWORD@HOST:PORT/DATABASE.`,
      {code: 'invalid_database_url', exitCode: 2},
    )
  }
  if (!parsed.pathname || parsed.pathname === '/') {
    throw new PrivacyError('The database URL names no database. Use postgres://USER:PASSWORD@HOST:PORT/DATABASE.', {code: 'invalid_database_url', exitCode: 2})
  }
  return parsed
}

/**
 * The pool settings for a target. Through a tunnel the pool dials the local
 * end, while TLS is still decided by (and verified against) the database's own
 * host, as `heroku pg:psql` does.
 */
export function poolConfig(target: DatabaseTarget, options: ConnectionOptions = {}, via?: {host: string; port: number}): pg.PoolConfig {
  const parsed = parsePostgresUrl(target.url)
  const sslMode = parsed.searchParams.get('sslmode') ?? options.sslMode
  // pg would let the URL's own ssl parameters override ours; take them out so one rule decides.
  for (const param of ['sslmode', 'ssl', 'sslcert', 'sslkey', 'sslrootcert']) parsed.searchParams.delete(param)
  const databaseHost = parsed.hostname
  if (via) {
    parsed.hostname = via.host
    parsed.port = String(via.port)
  }
  const ssl = tlsSetting(databaseHost, sslMode ?? undefined)
  return {
    connectionString: parsed.toString(),
    ssl: typeof ssl === 'object' && via ? {...ssl, servername: databaseHost} : ssl,
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
      return new PrivacyError(
        `Authentication failed for ${on}: the credentials were refused. If they were rotated, fetch the current ones (\`heroku pg:credentials:url\`) and try again.`,
        {code: 'db_auth_failed'},
      )
    case '3D000':
      return new PrivacyError(`The database of ${on} does not exist. Check --database or --database-url.`, {code: 'db_missing'})
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ECONNRESET':
      return target.bastion
        ? new PrivacyError(
            `Could not connect to ${on} through the bastion ${target.bastion.host} (${e.code}). Check that the database is available (\`heroku pg:info\`) and try again.`,
            {code: 'db_unreachable'},
          )
        : new PrivacyError(
            `Could not connect to ${on} (${e.code}). Check that it is running and reachable from here; Private and Shield databases are reachable only through their space's bastion (name them with --app, not --database-url) or from a dyno in their space (\`heroku run\`).`,
            {code: 'db_unreachable'},
          )
    case '42501':
      return new PrivacyError(`Permission denied on ${on}: ${message}. Use a role that can read the tables (see \`heroku pg:credentials\`).`, {
        code: 'db_permission_denied',
      })
    case '57014':
      return new PrivacyError(`A query on ${on} ran past its statement timeout: ${message}.`, {code: 'db_timeout'})
    case '55P03':
      return new PrivacyError(`Could not take a lock on ${on} in time (another session holds it): ${message}. Try again when it is quieter.`, {
        code: 'db_lock_timeout',
      })
    default:
      if (/timeout expired|Connection terminated due to connection timeout/i.test(message)) {
        return new PrivacyError(`Timed out connecting to ${on}. Check that it is reachable from here.`, {code: 'db_unreachable'})
      }
      return new PrivacyError(`Database error on ${on}: ${message}`, {code: 'db_error', details: e?.code ? {sqlstate: e.code} : undefined})
  }
}

export interface Database {
  pool: pg.Pool
  target: DatabaseTarget
  /** The SSH tunnel the pool goes through, for Private and Shield databases. */
  tunnel: Tunnel | null
  close(): Promise<void>
}

/**
 * Opens a pool — through the bastion when the target has one — and proves it
 * works by connecting one client (the server has then accepted the role and
 * is ready for queries), so failures surface here with a clear message.
 */
export async function openDatabase(target: DatabaseTarget, options: ConnectionOptions = {}): Promise<Database> {
  const destination = parsePostgresUrl(target.url)
  let tunnel: Tunnel | null = null
  if (target.bastion) {
    tunnel = await openTunnel(
      target.bastion,
      {host: destination.hostname, port: Number(destination.port || 5432)},
      {readyTimeoutMs: options.tunnelTimeoutMs},
    ).catch(error => {
      throw describeTunnelFailure(error, target.label, target.bastion!.host)
    })
  }
  const pool = new pg.Pool(poolConfig(target, options, tunnel ? {host: tunnel.localHost, port: tunnel.localPort} : undefined))
  // A client that dies (the server restarts, the tunnel drops) must not crash
  // the process: idle clients report to the pool, busy ones to their query.
  pool.on('error', () => {})
  pool.on('connect', client => client.on('error', () => {}))
  const close = async () => {
    await pool.end().catch(() => {})
    await tunnel?.close()
  }
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    const refused = tunnel?.refusedForward()
    await close()
    if (refused)
      throw new PrivacyError(
        `The bastion ${target.bastion!.host} accepted the key but would not forward to ${target.label} (${refused}). Check that the database is in the bastion's space (\`heroku pg:info\`).`,
        {code: 'bastion_forward_refused'},
      )
    throw describeDatabaseError(error, target)
  }
  return {pool, target, tunnel, close}
}

/**
 * Every environment variable the plugin reads, read once when a command
 * starts; commands and the lib get these values, never process.env.
 */
export interface PrivacyEnvironment {
  /** The Heroku Postgres Data API host (the heroku CLI's HEROKU_DATA_HOST, then HEROKU_POSTGRESQL_HOST). */
  dataHost: string
  /** PGSSLMODE, as libpq and the heroku CLI honour it. */
  sslMode?: string
  /** DATABASE_URL: the database a one-off or Scheduler dyno in the app's own space has. */
  databaseUrl?: string
  /** The API token, only so that it can be kept out of anything printed. */
  apiKey?: string
  /** HEROKU_PRIVACY_TUNNEL_TIMEOUT: seconds a bastion may take to accept the SSH connection (default 20). */
  tunnelTimeoutMs?: number
  /** On a dyno (DYNO or PORT set), the log receiver listens on every interface. */
  onDyno: boolean
  /** CI or CONTINUOUS_INTEGRATION set (not 0 or false): terminal interfaces do not redraw there, so nothing interactive runs. */
  inCi: boolean
  /** HEROKU_PRIVACY_DRAIN_TOKENS and HEROKU_PRIVACY_LOG_REDACT, comma-separated lists for privacy:logs:serve. */
  drainTokens: string[]
  logRedactions: string[]
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)

export function readEnvironment(env: NodeJS.ProcessEnv): PrivacyEnvironment {
  const timeout = Number(env.HEROKU_PRIVACY_TUNNEL_TIMEOUT)
  return {
    dataHost: env.HEROKU_DATA_HOST || env.HEROKU_POSTGRESQL_HOST || 'api.data.heroku.com',
    sslMode: env.PGSSLMODE || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    apiKey: env.HEROKU_API_KEY || undefined,
    tunnelTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : undefined,
    onDyno: Boolean(env.DYNO || env.PORT),
    inCi: [env.CI, env.CONTINUOUS_INTEGRATION].some(value => value !== undefined && value !== '0' && value !== 'false'),
    drainTokens: list(env.HEROKU_PRIVACY_DRAIN_TOKENS),
    logRedactions: list(env.HEROKU_PRIVACY_LOG_REDACT),
  }
}

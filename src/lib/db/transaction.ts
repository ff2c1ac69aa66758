import type pg from 'pg'

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable'
  readOnly?: boolean
  /** How long a statement waits for another session's lock before the transaction fails. */
  lockTimeoutMs?: number
  statementTimeoutMs?: number
  /** Dates, intervals, floats and bytea read as the same text in every session and on every copy (row digests rely on it). */
  stableText?: boolean
  /**
   * No JIT compilation: Postgres decides on it from cost estimates alone, and
   * a transaction of many statements over sets of a few thousand rows pays
   * hundreds of milliseconds of compiling per statement for nothing back.
   */
  noJit?: boolean
}

/** Settings under which a row's text (and so its digest) reads the same in every session and on every copy. */
export const STABLE_TEXT_SETTINGS = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  'SET LOCAL IntervalStyle = postgres',
  'SET LOCAL extra_float_digits = 1',
  "SET LOCAL bytea_output = 'hex'",
]

// 0 turns a timeout off, as in Postgres.
const milliseconds = (value: number) => Math.max(0, Math.floor(value))

/** The statements that open a transaction with these options, in order. */
export function beginStatements(options: TransactionOptions = {}): string[] {
  const mode = [options.isolation ? `ISOLATION LEVEL ${options.isolation.toUpperCase()}` : '', options.readOnly ? 'READ ONLY' : ''].filter(Boolean).join(' ')
  return [
    mode ? `BEGIN ${mode}` : 'BEGIN',
    ...(options.lockTimeoutMs === undefined ? [] : [`SET LOCAL lock_timeout = ${milliseconds(options.lockTimeoutMs)}`]),
    ...(options.statementTimeoutMs === undefined ? [] : [`SET LOCAL statement_timeout = ${milliseconds(options.statementTimeoutMs)}`]),
    ...(options.stableText ? STABLE_TEXT_SETTINGS : []),
    ...(options.noJit ? ['SET LOCAL jit = off'] : []),
  ]
}

/** Opens a transaction on a connection the caller holds (and ends), in one round trip. */
export async function begin(client: pg.ClientBase, options: TransactionOptions = {}): Promise<void> {
  await client.query(beginStatements(options).join('; '))
}

/** Runs `work` in one transaction on one connection of the pool; commits when it returns, rolls back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, options: TransactionOptions, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await begin(client, options)
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

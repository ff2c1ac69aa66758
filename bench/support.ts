/** What every bench scenario shares: timing, medians, the tool as a child process with its peak memory, databases. */
import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import pg from 'pg'

import type {PostgresServer} from '../test/support/postgres-server.js'
import {BIN, CliResult, runProcess} from '../test/support/processes.js'

export const run = promisify(execFile)

export interface Sample {
  seconds: number
  /** Peak resident memory of the measured process, in bytes. */
  rss?: number
  rows?: number
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
export const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`
export const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`
export const count = (n: number) => Math.round(n).toLocaleString('en')

export async function time<T>(work: () => Promise<T>): Promise<{seconds: number; value: T}> {
  const started = process.hrtime.bigint()
  const value = await work()
  return {seconds: Number(process.hrtime.bigint() - started) / 1e9, value}
}

export async function repeat(times: number, work: () => Promise<Sample>): Promise<Sample[]> {
  const samples: Sample[] = []
  for (let i = 0; i < times; i++) samples.push(await work())
  return samples
}

/** Runs `work` the first time it is asked for, and hands every caller that result. */
export function once<T>(work: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined
  return () => (result ??= work())
}

const PEAK_RSS_HOOK = new URL('peak-rss.mjs', import.meta.url).pathname

/**
 * Runs the plugin's standalone binary as a user would, timed, with its peak
 * resident memory (read by the process itself as it exits). `expect` is the
 * exit code that counts as success.
 */
export async function tool(argv: string[], options: {expect?: number; env?: Record<string, string>} = {}): Promise<CliResult & Sample> {
  const rssFile = join(tmpdir(), `privacy-bench-rss-${randomBytes(6).toString('hex')}`)
  try {
    const measured = await time(() =>
      runProcess(process.execPath, ['--import', PEAK_RSS_HOOK, BIN, ...argv], {...options.env, PRIVACY_BENCH_RSS_FILE: rssFile}),
    )
    const result = measured.value
    if (result.code !== (options.expect ?? 0)) throw new Error(`${argv[0]} exited ${result.code}: ${result.stdout.slice(-500)}${result.stderr.slice(-500)}`)
    const rss = Number(await readFile(rssFile, 'utf8').catch(() => '0'))
    return {...result, seconds: measured.seconds, rss}
  } finally {
    await rm(rssFile, {force: true})
  }
}

export async function createDatabase(server: PostgresServer, name: string, template?: string): Promise<string> {
  const admin = new pg.Client({connectionString: server.url()})
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`)
  } finally {
    await admin.end()
  }
  return server.url(name)
}

/** Runs statements on a database with a client of its own. */
export async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** The copies a run made; only the cached templates stay in .cache/bench. */
export async function dropRunDatabases(server: PostgresServer): Promise<void> {
  await onDatabase(server.url(), async admin => {
    const {rows} = await admin.query<{datname: string}>(`SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'`)
    for (const {datname} of rows) await admin.query(`DROP DATABASE ${datname} WITH (FORCE)`)
  })
}

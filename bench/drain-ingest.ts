/**
 * drain-ingest: privacy:logs:serve under a bounded load of real Logplex
 * batches, against a receiver that answers without storing, in the same run.
 */
import type {ChildProcess} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {Agent} from 'node:http'

import pg from 'pg'

import {logplexBody, postBatch} from '../test/support/logplex.js'
import {freePort} from '../test/support/postgres-server.js'
import {BIN, startProcess} from '../test/support/processes.js'

const LINES_PER_BATCH = 200
const IN_FLIGHT = 8
const CREDENTIALS = {user: 'bench', password: 'bench-drain-password', token: 'd.bench'}

export interface IngestResult {
  lines: number
  seconds: number
  linesPerSecond: number
  p50Ms: number
  p99Ms: number
  retries: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
}

async function waitUntilUp(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('the receiver exited before it was ready')
    if (
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        r => r.ok,
        () => false,
      )
    )
      return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Sends `lines` lines in Logplex batches, IN_FLIGHT at a time, retrying any batch not acknowledged (as Logplex does). */
async function load(url: string, lines: number, marker: string): Promise<IngestResult> {
  const agent = new Agent({keepAlive: true, maxSockets: IN_FLIGHT})
  const batches = Math.ceil(lines / LINES_PER_BATCH)
  const latencies: number[] = []
  let next = 0
  let retries = 0
  const started = process.hrtime.bigint()
  const lane = async () => {
    for (let batch = next++; batch < batches; batch = next++) {
      const messages = Array.from(
        {length: Math.min(LINES_PER_BATCH, lines - batch * LINES_PER_BATCH)},
        (_, i) => `at=info method=GET path="/orders/${batch}/${i}" fwd="203.0.113.${i % 250}" status=200 bytes=${1000 + i} ${marker}`,
      )
      const body = logplexBody(messages, {app: 'heroku', proc: 'router'})
      const frameId = randomUUID()
      for (;;) {
        const sent = process.hrtime.bigint()
        const status = await postBatch(url, body, {credentials: CREDENTIALS, frameId, count: messages.length, agent}).catch(() => 0)
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6)
        if (status >= 200 && status < 300) break
        retries++
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    }
  }
  await Promise.all(Array.from({length: IN_FLIGHT}, lane))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  agent.destroy()
  latencies.sort((a, b) => a - b)
  return {lines, seconds, linesPerSecond: lines / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), retries}
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const closed = new Promise(resolve => child.on('close', resolve))
  child.kill('SIGTERM')
  await closed
}

/** Peak RSS of a running process, from /proc (Linux). */
async function peakRss(pid: number): Promise<number> {
  const {readFile} = await import('node:fs/promises')
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
}

export async function drainIngest(
  storeUrl: string,
  lines: number,
): Promise<{tool: IngestResult & {peakRssBytes: number; stored: number; distinct: number}; baseline: IngestResult}> {
  const nullPort = await freePort()
  const nullReceiver = startProcess(process.execPath, [
    '-e',
    `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.writeHead(204).end()) }).listen(${nullPort}, '127.0.0.1')`,
  ])
  let baseline: IngestResult
  try {
    await waitUntilUp(nullPort, nullReceiver.child)
    baseline = await load(`http://127.0.0.1:${nullPort}/drain`, lines, 'baseline')
  } finally {
    await stop(nullReceiver.child)
  }

  const port = await freePort()
  const receiver = startProcess(process.execPath, [
    BIN,
    'privacy:logs:serve',
    '--database-url',
    storeUrl,
    '--port',
    String(port),
    '--auth',
    `${CREDENTIALS.user}:${CREDENTIALS.password}`,
    '--drain-token',
    CREDENTIALS.token,
    '--redact',
    'password',
    '--stats-every',
    '0',
  ])
  const marker = randomUUID()
  try {
    await waitUntilUp(port, receiver.child)
    const measured = await load(`http://127.0.0.1:${port}/drain`, lines, marker)
    const rss = await peakRss(receiver.child.pid!)
    const client = new pg.Client({connectionString: storeUrl})
    await client.connect()
    const {
      rows: [counted],
    } = await client.query<{stored: number; distinct: number}>(
      `SELECT count(*)::int AS stored, count(DISTINCT message)::int AS distinct FROM heroku_privacy.log_lines WHERE message LIKE '%' || $1`,
      [marker],
    )
    await client.end()
    return {tool: {...measured, peakRssBytes: rss, stored: counted!.stored, distinct: counted!.distinct}, baseline}
  } finally {
    await stop(receiver.child)
  }
}

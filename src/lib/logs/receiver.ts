import {timingSafeEqual} from 'node:crypto'
import {IncomingMessage, Server, ServerResponse, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'

import type pg from 'pg'

import {parseLogplexBody} from './frames.js'
import {tokenBuckets} from './rate-limit.js'
import type {Redactor} from './redaction.js'
import {ensurePartitions, expireLogs, isMissingPartition, storeBatch} from './store.js'

export const LOGPLEX_CONTENT_TYPE = 'application/logplex-1'
const EXPIRY_INTERVAL_MS = 3_600_000

export interface ReceiverOptions {
  pool: pg.Pool
  /** Basic-auth credentials the drain URL carries; null only when the operator chose to run without. */
  auth: {user: string; password: string} | null
  /** Logplex-Drain-Token values to accept; empty accepts any. */
  drainTokens: string[]
  redactor: Redactor
  maxBodyBytes: number
  maxRequestsPerSecond: number
  retentionMs: number
  clock: () => Date
  onEvent?: (event: ReceiverEvent) => void
}

export type ReceiverEvent =
  | {kind: 'store-failed'; message: string}
  | {kind: 'expired'; dropped: string[]}
  | {kind: 'expiry-failed'; message: string}
  | {kind: 'malformed'; frames: number; frameId: string | null}

export interface ReceiverStats {
  batches: number
  lines: number
  duplicates: number
  malformed: number
  /** Batches whose Logplex-Msg-Count differed from the frames found. */
  countMismatches: number
  storeFailures: number
  /** Requests answered with an error status, by status. */
  refused: Record<number, number>
}

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/**
 * Heroku's HTTPS log drain protocol, stored in Postgres. A batch is answered
 * 2xx only after it is committed, so Logplex retries whatever was not stored;
 * a retried frame id is answered 2xx and stored once.
 */
export class LogReceiver {
  readonly stats: ReceiverStats = {batches: 0, lines: 0, duplicates: 0, malformed: 0, countMismatches: 0, storeFailures: 0, refused: {}}
  private readonly server: Server
  private readonly allow: (key: string) => boolean
  private partitionsReadyFor: string | null = null
  private partitionsPending: Promise<void> | null = null
  private expiryTimer: NodeJS.Timeout | null = null

  constructor(private readonly options: ReceiverOptions) {
    this.allow = tokenBuckets(options.maxRequestsPerSecond)
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error => this.answer(res, 500, (error as Error).message))
    })
    this.server.keepAliveTimeout = 65_000
    this.server.requestTimeout = 30_000
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await this.expireNow()
    this.expiryTimer = setInterval(() => void this.expireNow(), EXPIRY_INTERVAL_MS)
    this.expiryTimer.unref()
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => resolve())
    })
    return this.server.address() as AddressInfo
  }

  /** Stops accepting, lets requests in flight finish, then stops. */
  async close(): Promise<void> {
    if (this.expiryTimer) clearInterval(this.expiryTimer)
    await new Promise<void>(resolve => {
      this.server.close(() => resolve())
      this.server.closeIdleConnections()
    })
  }

  async expireNow(): Promise<void> {
    try {
      const result = await expireLogs(this.options.pool, {now: this.options.clock(), retentionMs: this.options.retentionMs})
      if (result.dropped.length > 0) this.options.onEvent?.({kind: 'expired', dropped: result.dropped})
    } catch (error) {
      this.options.onEvent?.({kind: 'expiry-failed', message: (error as Error).message})
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/')) {
        this.answer(res, 200, 'ok')
        return
      }
      this.admit(req)
      const body = await readBody(req, this.options.maxBodyBytes)
      await this.store(req, body)
      res.writeHead(204).end()
    } catch (error) {
      if (!(error instanceof HttpRefusal)) throw error
      this.stats.refused[error.status] = (this.stats.refused[error.status] ?? 0) + 1
      // Whatever is left of a refused body is not read: close the connection instead.
      if (!req.complete) res.setHeader('Connection', 'close')
      this.answer(res, error.status, error.message, error.headers)
      if (!req.complete) req.resume()
    }
  }

  /** Method, credentials, drain token, content type, declared size and rate — all before reading the body. */
  private admit(req: IncomingMessage): void {
    if (req.method !== 'POST') throw new HttpRefusal(405, 'POST log batches here', {Allow: 'POST'})
    if (this.options.auth && !basicAuthMatches(req.headers.authorization, this.options.auth)) {
      throw new HttpRefusal(401, 'wrong or missing credentials', {'WWW-Authenticate': 'Basic realm="heroku-privacy logs"'})
    }
    const token = header(req, 'logplex-drain-token')
    if (this.options.drainTokens.length > 0 && (!token || !this.options.drainTokens.includes(token))) {
      throw new HttpRefusal(401, 'unknown drain token', {'WWW-Authenticate': 'Basic realm="heroku-privacy logs"'})
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== LOGPLEX_CONTENT_TYPE) throw new HttpRefusal(415, `expected Content-Type ${LOGPLEX_CONTENT_TYPE}`)
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > this.options.maxBodyBytes) throw new HttpRefusal(413, `batches are limited to ${this.options.maxBodyBytes} bytes`)
    if (!this.allow(token ?? req.socket.remoteAddress ?? 'unknown')) throw new HttpRefusal(429, 'too many requests', {'Retry-After': '1'})
  }

  private async store(req: IncomingMessage, body: Buffer): Promise<void> {
    const parsed = parseLogplexBody(body)
    const frameId = header(req, 'logplex-frame-id') ?? null
    const declaredCount = Number(header(req, 'logplex-msg-count'))
    if (Number.isInteger(declaredCount) && declaredCount !== parsed.lines.length + parsed.malformed) this.stats.countMismatches++
    if (parsed.malformed > 0) {
      this.stats.malformed += parsed.malformed
      this.options.onEvent?.({kind: 'malformed', frames: parsed.malformed, frameId})
    }
    if (parsed.lines.length === 0) return
    const lines = parsed.lines.map(line => ({...line, message: this.options.redactor.apply(line.message)}))
    const batch = {receivedAt: this.options.clock(), drainToken: header(req, 'logplex-drain-token') ?? null, frameId, lines, malformed: parsed.malformed}
    try {
      await this.ensurePartitionsFor(batch.receivedAt)
      const result = await storeBatch(this.options.pool, batch).catch(async error => {
        if (!isMissingPartition(error)) throw error
        this.partitionsReadyFor = null
        await this.ensurePartitionsFor(batch.receivedAt)
        return storeBatch(this.options.pool, batch)
      })
      if (result.stored) {
        this.stats.batches++
        this.stats.lines += result.lines
      } else {
        this.stats.duplicates++
      }
    } catch (error) {
      this.stats.storeFailures++
      this.options.onEvent?.({kind: 'store-failed', message: (error as Error).message})
      throw new HttpRefusal(503, 'the log store is unavailable; retry later', {'Retry-After': '5'})
    }
  }

  private async ensurePartitionsFor(at: Date): Promise<void> {
    const day = at.toISOString().slice(0, 10)
    if (this.partitionsReadyFor === day) return
    this.partitionsPending ??= ensurePartitions(this.options.pool, at)
      .then(() => {
        this.partitionsReadyFor = day
      })
      .finally(() => {
        this.partitionsPending = null
      })
    await this.partitionsPending
  }

  private answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    if (res.headersSent) {
      res.destroy()
      return
    }
    res.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8', ...headers}).end(`${text}\n`)
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function basicAuthMatches(authorization: string | undefined, expected: {user: string; password: string}): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '')
  if (!match) return false
  const given = Buffer.from(match[1]!, 'base64')
  const wanted = Buffer.from(`${expected.user}:${expected.password}`)
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}

/** The whole body, or a 413 once it passes the limit; a body cut off by the sender is never stored. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners('data')
        reject(new HttpRefusal(413, `batches are limited to ${limit} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('aborted', () => reject(new HttpRefusal(400, 'the request body was cut off')))
    req.on('error', error => reject(new HttpRefusal(400, `the request failed: ${error.message}`)))
  })
}

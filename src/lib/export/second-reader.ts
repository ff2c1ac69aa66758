import {once} from 'node:events'
import {WriteStream, createReadStream, createWriteStream} from 'node:fs'
import {rm} from 'node:fs/promises'

import type pg from 'pg'

import type {SubjectPlan} from '../subject/graph.js'
import {tablesInCycles} from '../subject/order.js'
import type {HtmlTable} from './html.js'
import type {ManifestFile} from './manifest.js'
import {EntrySink, ZipWriter} from './zip-writer.js'

export type TableResult = {file: ManifestFile; shown: HtmlTable}

/** Reads one table into an archive entry over a connection whose transaction holds the people's key sets. */
export type ReadTable = (key: string, sink: EntrySink, client: pg.ClientBase) => Promise<TableResult>

/**
 * The tables a second connection can read while the first fills the key
 * sets: the root tables and those selected by one edge from a root table.
 * Their statements read no key set but the roots' (the people's own rows,
 * found by key), which the second connection fills again in no time.
 */
export function secondReaderTables(plan: SubjectPlan): string[] {
  const cyclic = tablesInCycles(plan)
  const levels = new Map(plan.tables.map(t => [t.key, t.level]))
  return plan.tables
    .filter(t => {
      if (cyclic.has(t.key)) return false
      if (t.level === 0) return true
      const parents = t.edges.filter(e => levels.has(e.parent))
      return parents.length === 1 && levels.get(parents[0]!.parent) === 0
    })
    .map(t => t.key)
}

/** Entries written ahead of their turn into a file of their own, copied into the archive in order once all are done. */
class Spool {
  readonly zip: ZipWriter
  private readonly output: WriteStream

  constructor(readonly path: string) {
    // Personal data: readable by the user running the export only, as the archive is.
    this.output = createWriteStream(path, {mode: 0o600})
    this.zip = new ZipWriter(this.output)
  }

  async close(): Promise<void> {
    if (this.output.closed) return
    const closed = once(this.output, 'close')
    this.output.end()
    await closed
  }

  async copyInto(zip: ZipWriter, path: string): Promise<void> {
    const entry = this.zip.written.find(e => e.name.toString() === path)
    if (!entry) throw new Error(`${path} is not in the spool.`)
    await zip.addWritten(entry, (start, end) => createReadStream(this.path, {start, end: end - 1}))
  }
}

export interface SecondReader {
  tables: Set<string>
  /**
   * Reads the second reader's tables, and the first connection's others at
   * the same time, each into a spool; then copies every entry into `zip` in
   * the order of `order`.
   */
  readAll(zip: ZipWriter, order: string[], entryPath: (key: string) => string, first: pg.ClientBase): Promise<TableResult[]>
  /** Ends the second transaction and removes the spools; safe to call more than once. */
  close(): Promise<void>
}

/**
 * A second connection on the first one's snapshot (pg_export_snapshot), so
 * two backends encode rows at once: the first fills the key sets and reads
 * the tables that need them, the second reads the others, each into a spool
 * the archive then takes the entries from in order. Null when the pool has
 * no connection to spare or the second connection cannot be set up: the
 * export then reads every table on the first.
 */
export async function openSecondReader(options: {
  pool: pg.Pool
  first: pg.ClientBase
  tables: string[]
  spoolPath: string
  /** Makes the second transaction hold what the first one's statements rely on: settings, root keys, key sets. */
  prepare: (client: pg.ClientBase, tables: string[]) => Promise<void>
  readTable: ReadTable
  /** Called as each table is done, on either connection. */
  onTable?: () => void
}): Promise<SecondReader | null> {
  const {pool, first, tables} = options
  if (tables.length === 0) return null
  if (pool.idleCount === 0 && pool.totalCount >= (pool.options.max ?? 10)) return null
  const {
    rows: [exported],
  } = await first.query<{id: string}>('SELECT pg_export_snapshot() AS id')
  if (!/^[0-9A-Fa-f-]+$/.test(exported!.id)) return null
  const client = await pool.connect().catch(() => null)
  if (!client) return null
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ')
    await client.query(`SET TRANSACTION SNAPSHOT '${exported!.id}'`)
    await options.prepare(client, tables)
  } catch {
    await client.query('ROLLBACK').catch(() => {})
    client.release(true)
    return null
  }
  const spools = {first: new Spool(`${options.spoolPath}-1`), second: new Spool(`${options.spoolPath}-2`)}
  const readInto = async (spool: Spool, reader: pg.ClientBase, keys: string[]) => {
    const results = new Map<string, TableResult>()
    for (const key of keys) {
      results.set(key, await options.readTable(key, spool.zip, reader))
      options.onTable?.()
    }
    await spool.close()
    return results
  }
  const mine = new Set(tables)
  // Started at once, so the second connection reads while the first fills the key sets.
  let settled: 'reading' | 'done' | 'failed' = 'reading'
  const second = readInto(spools.second, client, tables)
  second.then(
    () => (settled = 'done'),
    () => (settled = 'failed'),
  )
  let open = true
  const close = async () => {
    if (!open) return
    open = false
    if (settled === 'done') {
      await client.query('COMMIT').catch(() => {})
      client.release()
    } else {
      // The first connection failed, or this one did: a statement still running is cut off with the connection.
      client.release(true)
      await second.catch(() => {})
    }
    await Promise.all([spools.first.close(), spools.second.close()])
    await Promise.all([rm(spools.first.path, {force: true}), rm(spools.second.path, {force: true})])
  }
  return {
    tables: mine,
    async readAll(zip, order, entryPath, firstClient) {
      // Both readers settle before anything fails: a spool is closed and removed only once nothing writes to it.
      const [first, other] = await Promise.allSettled([
        readInto(
          spools.first,
          firstClient,
          order.filter(key => !mine.has(key)),
        ),
        second,
      ])
      if (first.status === 'rejected') throw first.reason
      if (other.status === 'rejected') throw other.reason
      const [byFirst, bySecond] = [first.value, other.value]
      const results: TableResult[] = []
      for (const key of order) {
        const spool = mine.has(key) ? spools.second : spools.first
        await spool.copyInto(zip, entryPath(key))
        results.push((mine.has(key) ? bySecond : byFirst).get(key)!)
      }
      return results
    },
    close,
  }
}

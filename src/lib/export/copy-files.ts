import {Transform, TransformCallback} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {parse} from 'csv-parse/sync'
import type pg from 'pg'
import {to as copyTo} from 'pg-copy-streams'

import {ArchiveFile, FileEntry} from './archive-files.js'
import {HTML_ROWS_PER_TABLE, HtmlTable} from './html.js'
import type {ManifestFile} from './manifest.js'
import type {Row} from './serialize.js'
import type {EntrySink} from './zip-writer.js'

/** How many bytes at the head of a file are searched for index.html's rows. */
const HEAD_BYTES = 1024 * 1024
const QUOTE = 0x01
const COMMA_NEWLINE = 2

/**
 * The statement that has Postgres write a table's JSON file body from a
 * select of one column, a JSON line (jsonLineSql): one row per line, each
 * followed by a comma. COPY's CSV format is used for its lack of escaping:
 * with control characters as quote and delimiter, a line is quoted only when
 * a json column holds a raw line break, and then the quote characters are
 * all that is added (JSON text never holds a raw control character).
 */
function copyJsonStatement(prefix: string, select: string): string {
  return `COPY (${prefix}${select}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`
}

/** The statement that has Postgres write a table's CSV file, header included. */
function copyCsvStatement(prefix: string, select: string): string {
  return `COPY (${prefix}${select}) TO STDOUT WITH (FORMAT csv, HEADER)`
}

/** The first rows of a JSON file body as objects, for index.html: rows end at a comma and a line break that close valid JSON. */
class JsonHead {
  readonly rows: Row[] = []
  private text = ''
  private gaveUp = false

  get full(): boolean {
    return this.gaveUp || this.rows.length >= HTML_ROWS_PER_TABLE
  }

  add(chunk: Buffer): void {
    this.text += chunk.toString('utf8')
    if (this.text.length > HEAD_BYTES) this.gaveUp = true
    for (let end = this.text.indexOf(',\n'); end >= 0 && !this.full; end = this.text.indexOf(',\n', end + 1)) {
      try {
        this.rows.push(JSON.parse(this.text.slice(0, end)) as Row)
      } catch {
        continue
      }
      this.text = this.text.slice(end + 2)
      end = -1
    }
    if (this.full) this.text = ''
  }
}

/**
 * COPY's lines (`{…},` and a line break each) into the JSON array the
 * archive holds, `[`, the rows joined by commas, `]`, one row per line: the
 * comma and line break after the last row are held back until the stream
 * ends, so no row is looked at.
 */
class JsonArrayFraming extends Transform {
  private held: Buffer = Buffer.alloc(0)
  private started = false

  constructor(private readonly head: JsonHead) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.includes(QUOTE)) chunk = Buffer.from(chunk.filter(byte => byte !== QUOTE))
    if (!this.head.full) this.head.add(chunk)
    const all = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk
    if (!this.started && all.length > 0) {
      this.push('[\n')
      this.started = true
    }
    const cut = Math.max(0, all.length - COMMA_NEWLINE)
    if (cut > 0) this.push(all.subarray(0, cut))
    this.held = all.subarray(cut)
    callback()
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.started ? '\n]\n' : '[]\n')
  }
}

/** The first records of a CSV file as objects, for index.html; a cell COPY left unquoted and empty had no value. */
function csvHead(text: string): Row[] {
  for (let end = text.lastIndexOf('\n'); end > 0; end = text.lastIndexOf('\n', end - 1)) {
    try {
      return parse(text.slice(0, end + 1), {
        columns: true,
        to: HTML_ROWS_PER_TABLE,
        cast: (value, context) => (value === '' && !context.quoting ? null : value),
      }) as Row[]
    } catch {
      // Cut inside a quoted cell; try a shorter head.
    }
  }
  return []
}

/** The first bytes of what passes, up to HEAD_BYTES (whole chunks), for index.html's rows. */
class HeadBytes extends Transform {
  private readonly chunks: Buffer[] = []
  private bytes = 0

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.bytes < HEAD_BYTES) {
      this.chunks.push(chunk)
      this.bytes += chunk.length
    }
    callback(null, chunk)
  }
}

/**
 * Streams one table's file through COPY into the archive: Postgres encodes,
 * Node only frames (JSON) or peeks at the head (CSV), counts and hashes.
 */
export async function addCopiedFile(
  zip: EntrySink,
  entry: FileEntry,
  client: pg.ClientBase,
  query: {prefix: string; select: string},
): Promise<{file: ManifestFile; shown: HtmlTable}> {
  const file = new ArchiveFile(zip, entry)
  const json = entry.format === 'json'
  const jsonHead = new JsonHead()
  const middle = json ? new JsonArrayFraming(jsonHead) : new HeadBytes()
  const copy = client.query(copyTo(json ? copyJsonStatement(query.prefix, query.select) : copyCsvStatement(query.prefix, query.select)))
  await pipeline(copy, middle, file.tally).catch(error => {
    file.tally.destroy(error as Error)
    throw error
  })
  file.tally.countRows(copy.rowCount)
  const head = middle instanceof HeadBytes ? csvHead(middle.text) : jsonHead.rows
  for (const row of head) file.sample(row)
  return file.result()
}

import {Transform, TransformCallback} from 'node:stream'
import {createHash} from 'node:crypto'

import {stringify} from 'csv-stringify'

export type Row = Record<string, unknown>

/** Binary values (bytea, bytea[]) as base64; everything else as JSON.stringify sees it. */
function withBinaryAsBase64(row: Row): Row {
  for (const key in row) {
    const value = row[key]
    if (Buffer.isBuffer(value)) row[key] = value.toString('base64')
    else if (Array.isArray(value) && value.some(item => Buffer.isBuffer(item)))
      row[key] = value.map(item => (Buffer.isBuffer(item) ? item.toString('base64') : item))
  }
  return row
}

/** Rows in, a JSON array with one row per line out: readable, and countable line by line when verifying. */
export function jsonArrayWriter(): Transform {
  let first = true
  return new Transform({
    writableObjectMode: true,
    transform(row: Row, _encoding, callback) {
      callback(null, `${first ? '[\n' : ',\n'}${JSON.stringify(withBinaryAsBase64(row))}`)
      first = false
    },
    flush(callback) {
      callback(null, first ? '[]\n' : '\n]\n')
    },
  })
}

/**
 * Rows in, CSV out; cells that a spreadsheet would run as a formula (=, +,
 * -, @, tab, CR) are escaped. Cells Postgres already encoded (csvCell) are
 * escaped there, and an empty text is quoted to tell it from no value, as
 * COPY does.
 */
export function csvWriter(columns: string[], options: {encoded?: boolean} = {}): Transform {
  if (options.encoded) {
    return stringify({header: true, columns, cast: {string: value => (value === '' ? {value, quoted: true} : value)}})
  }
  return stringify({
    header: true,
    columns,
    escape_formulas: true,
    cast: {
      object: value => (Buffer.isBuffer(value) ? value.toString('base64') : value instanceof Date ? value.toISOString() : JSON.stringify(value)),
      date: value => value.toISOString(),
      boolean: value => (value ? 'true' : 'false'),
    },
  })
}

/** Output is handed to the zip in chunks of about this size: compressing row-sized pieces one by one costs several times more. */
const CHUNK_BYTES = 256 * 1024

/** Counts rows and bytes and hashes what passes through, for the manifest; passes it on in large chunks. */
export class Tally extends Transform {
  rows = 0
  bytes = 0
  private readonly hash = createHash('sha256')
  private pending: Buffer[] = []
  private pendingBytes = 0

  constructor() {
    super({writableObjectMode: true, readableObjectMode: true})
  }

  countRows(n = 1): void {
    this.rows += n
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    this.bytes += buffer.length
    this.hash.update(buffer)
    this.pending.push(buffer)
    this.pendingBytes += buffer.length
    if (this.pendingBytes >= CHUNK_BYTES) this.pushPending()
    callback()
  }

  override _flush(callback: TransformCallback): void {
    this.pushPending()
    callback()
  }

  digest(): string {
    return this.hash.digest('hex')
  }

  private pushPending(): void {
    if (this.pendingBytes === 0) return
    this.push(Buffer.concat(this.pending, this.pendingBytes))
    this.pending = []
    this.pendingBytes = 0
  }
}

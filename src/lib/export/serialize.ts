import {Transform, TransformCallback} from 'node:stream'
import {createHash} from 'node:crypto'

import {stringify} from 'csv-stringify'

export type Row = Record<string, unknown>

/** JSON for one database value: bytea as base64, everything else as JSON.stringify sees it. */
export function jsonValue(_key: string, value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64')
  if (typeof value === 'object' && value !== null && (value as {type?: string}).type === 'Buffer' && Array.isArray((value as {data?: unknown}).data)) {
    return Buffer.from((value as {data: number[]}).data).toString('base64')
  }
  return value
}

/** Rows in, a JSON array with one row per line out: readable, and countable line by line when verifying. */
export function jsonArrayWriter(): Transform {
  let first = true
  return new Transform({
    writableObjectMode: true,
    transform(row: Row, _encoding, callback) {
      callback(null, `${first ? '[\n' : ',\n'}${JSON.stringify(row, jsonValue)}`)
      first = false
    },
    flush(callback) {
      callback(null, first ? '[]\n' : '\n]\n')
    },
  })
}

/** Rows in, CSV out; cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are escaped. */
export function csvWriter(columns: string[]): Transform {
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

/** Counts rows and bytes and hashes what passes through, for the manifest. */
export class Tally extends Transform {
  rows = 0
  bytes = 0
  private readonly hash = createHash('sha256')

  constructor() {
    super({writableObjectMode: true, readableObjectMode: true})
  }

  countRow(): void {
    this.rows++
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    this.bytes += buffer.length
    this.hash.update(buffer)
    callback(null, buffer)
  }

  digest(): string {
    return this.hash.digest('hex')
  }
}

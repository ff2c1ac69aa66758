import {Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {HTML_ROWS_PER_TABLE, HtmlTable} from './html.js'
import type {ManifestFile} from './manifest.js'
import {Row, Tally, csvWriter, jsonArrayWriter} from './serialize.js'
import type {EntrySink} from './zip-writer.js'

export interface FileEntry {
  path: string
  table: string
  columns: string[]
  format: 'json' | 'csv'
  /** Cells are text Postgres encoded (csvCell); rows of the log store are not. */
  encoded?: boolean
}

/** One file of the archive: counted and hashed for the manifest as it is written, its first rows kept for index.html. */
export class ArchiveFile {
  readonly tally = new Tally()
  private readonly shown: HtmlTable
  private readonly written: Promise<void>

  constructor(
    zip: EntrySink,
    private readonly entry: FileEntry,
  ) {
    // Level 1: a few percent larger than zlib's default, and it leaves the CPU to Postgres encoding the rows.
    this.written = pipeline(this.tally, zip.entry(entry.path, {level: 1}))
    this.written.catch(() => {})
    this.shown = {table: entry.table, columns: entry.columns, rows: [], totalRows: 0, file: entry.path}
  }

  get wantsSamples(): boolean {
    return this.shown.rows.length < HTML_ROWS_PER_TABLE
  }

  sample(row: Row): void {
    if (this.wantsSamples) this.shown.rows.push(row)
  }

  /** The file's manifest entry and page section, once the zip holds all of it. */
  async result(): Promise<{file: ManifestFile; shown: HtmlTable}> {
    await this.written
    this.shown.totalRows = this.tally.rows
    return {
      file: {path: this.entry.path, table: this.entry.table, rows: this.tally.rows, bytes: this.tally.bytes, sha256: this.tally.digest()},
      shown: this.shown,
    }
  }
}

/** Streams row objects into one file of the archive, mapped and serialised (the log store's lines). */
export async function addRowsFile(
  zip: EntrySink,
  entry: FileEntry,
  source: AsyncIterable<Row> | NodeJS.ReadableStream,
  mapRow: (row: Row) => Row = row => row,
): Promise<{file: ManifestFile; shown: HtmlTable}> {
  const file = new ArchiveFile(zip, entry)
  const mapper = new Transform({
    objectMode: true,
    transform(row: Row, _encoding, callback) {
      const mapped = mapRow(row)
      file.tally.countRows()
      file.sample(mapped)
      callback(null, mapped)
    },
  })
  await pipeline(source, mapper, entry.format === 'json' ? jsonArrayWriter() : csvWriter(entry.columns, {encoded: entry.encoded}), file.tally)
  return file.result()
}

export async function* emptyRows(): AsyncGenerator<Row> {}

import {once} from 'node:events'
import {type Readable, Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import type yazl from 'yazl'

import {inBatches} from './batches.js'
import {HTML_ROWS_PER_TABLE, HtmlTable} from './html.js'
import type {ManifestFile} from './manifest.js'
import {Row, Tally, csvWriter, jsonArrayWriter} from './serialize.js'

export interface FileEntry {
  path: string
  table: string
  columns: string[]
  format: 'json' | 'csv'
}

/** One file of the archive: counted and hashed for the manifest as it is written, its first rows kept for index.html. */
class ArchiveFile {
  readonly tally = new Tally()
  private readonly shown: HtmlTable

  constructor(zip: yazl.ZipFile, private readonly entry: FileEntry) {
    // Level 1: a few percent larger than zlib's default, and it leaves the CPU to Postgres encoding the rows.
    zip.addReadStream(this.tally, entry.path, {compressionLevel: 1})
    this.shown = {table: entry.table, columns: entry.columns, rows: [], totalRows: 0, file: entry.path}
  }

  get wantsSamples(): boolean {
    return this.shown.rows.length < HTML_ROWS_PER_TABLE
  }

  sample(row: Row): void {
    if (this.wantsSamples) this.shown.rows.push(row)
  }

  result(): {file: ManifestFile; shown: HtmlTable} {
    this.shown.totalRows = this.tally.rows
    return {file: {path: this.entry.path, table: this.entry.table, rows: this.tally.rows, bytes: this.tally.bytes, sha256: this.tally.digest()}, shown: this.shown}
  }
}

/** Streams row objects into one file of the archive, mapped and serialised (CSV, and JSON of the log store). */
export async function addRowsFile(zip: yazl.ZipFile, entry: FileEntry, source: AsyncIterable<Row> | NodeJS.ReadableStream, mapRow: (row: Row) => Row = row => row): Promise<{file: ManifestFile; shown: HtmlTable}> {
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
  await pipeline(source, mapper, entry.format === 'json' ? jsonArrayWriter() : csvWriter(entry.columns), file.tally)
  return file.result()
}

/**
 * Streams rows Postgres already encoded as JSON (one text column each) into
 * one file of the archive, a buffered batch at a time: the same layout as
 * jsonArrayWriter, without a JavaScript object or a promise per row.
 */
export async function addJsonLinesFile(zip: yazl.ZipFile, entry: FileEntry, source: Readable): Promise<{file: ManifestFile; shown: HtmlTable}> {
  const file = new ArchiveFile(zip, entry)
  let first = true
  try {
    for await (const batch of inBatches<[string]>(source)) {
      const lines = batch.map(row => row[0])
      for (let i = 0; i < lines.length && file.wantsSamples; i++) file.sample(JSON.parse(lines[i]!) as Row)
      file.tally.countRows(lines.length)
      const text = `${first ? '[\n' : ',\n'}${lines.join(',\n')}`
      first = false
      if (!file.tally.write(text)) await once(file.tally, 'drain')
    }
  } catch (error) {
    file.tally.destroy(error as Error)
    throw error
  }
  await new Promise<void>((resolve, reject) => {
    file.tally.once('error', reject)
    file.tally.end(first ? '[]\n' : '\n]\n', resolve)
  })
  return file.result()
}

export async function* emptyRows(): AsyncGenerator<Row> {}

import type pg from 'pg'

import type {SchemaInfo} from '../db/introspect.js'
import type {SubjectPlan} from '../subject/graph.js'
import {KeySetMode, SubjectRows, chooseSubjectRows} from '../subject/keyset.js'
import {ResolvedSubject, useRootKeys} from '../subject/resolve.js'
import type {FileEntry} from './archive-files.js'
import {addCopiedFile} from './copy-files.js'
import type {Manifest} from './manifest.js'
import {subjectRowsSelect, usePseudonymKey} from './rows-query.js'
import {ReadTable, TableResult, openSecondReader, secondReaderTables} from './second-reader.js'
import type {planWithholding} from './withhold.js'
import type {ZipWriter} from './zip-writer.js'

/**
 * The export's settings, for the transaction of each connection that reads:
 * timestamps Postgres encodes as JSON carry the session's offset, and UTC
 * reads the same everywhere; a table's rows come in the order it is stored,
 * not from wherever another scan of it (the other connection's) has reached.
 */
export async function useExportSettings(client: pg.ClientBase): Promise<void> {
  await client.query(`SET LOCAL TimeZone = 'UTC'; SET LOCAL synchronize_seqscans = off`)
}

export interface TableFilesInput {
  /** The export's connection, its transaction begun with useExportSettings and the root keys set. */
  client: pg.ClientBase
  /** Where a second connection on the same snapshot may come from. */
  pool: pg.Pool
  mode: KeySetMode
  plan: SubjectPlan
  schema: SchemaInfo
  subjects: ResolvedSubject[]
  hiddenByTable: ReturnType<typeof planWithholding>
  format: 'json' | 'csv'
  pseudonymKey: Buffer
  zip: ZipWriter
  /** Prefix of the files that hold entries written ahead of their turn. */
  spoolPath: string
  onTable?: (done: number) => void
}

/**
 * Chooses the people's rows and writes one archive file per table of the
 * plan, in its order. On the leader a second connection reads the tables
 * that need no key set but the roots' while this one fills the key sets.
 */
export async function writeTableFiles(input: TableFilesInput): Promise<{
  tables: TableResult[]
  rows: SubjectRows
  withheld: Manifest['withheld']
  pseudonymised: Manifest['pseudonymised']
}> {
  const {client, plan, schema, mode} = input
  const extension = input.format === 'json' ? 'json' : 'csv'
  const withheld: Manifest['withheld'] = []
  const pseudonymised: Manifest['pseudonymised'] = []
  const tableFiles = new Map(
    plan.tables.map(table => {
      const withholding = input.hiddenByTable.get(table.key)!
      withheld.push(...withholding)
      const columns = table.table.columns.map(c => c.name).filter(c => !withholding.some(h => h.column === c))
      const thirdParty = (table.spec.third_party ?? []).filter(c => columns.includes(c))
      pseudonymised.push(...thirdParty.map(column => ({table: table.key, column, reason: "another person's identifier, replaced by a stable pseudonym"})))
      const entry: FileEntry = {path: `data/${table.key}.${extension}`, table: table.key, columns, format: input.format, encoded: true}
      return [table.key, {entry, thirdParty}]
    }),
  )
  /** Each connection's own key sets: temporary tables are seen by the session that made them only. */
  const rowsOf = new Map<pg.ClientBase, SubjectRows>()
  const readTable: ReadTable = (key, sink, reader) => {
    const {entry, thirdParty} = tableFiles.get(key)!
    return addCopiedFile(sink, entry, reader, subjectRowsSelect(rowsOf.get(reader)!, key, entry.columns, {columns: thirdParty}, input.format))
  }
  /** Everything from here on only reads: the row sets are in place, and the snapshot is the one they were chosen in. */
  const readOnly = async (reader: pg.ClientBase) => {
    await reader.query('SET TRANSACTION READ ONLY')
    await usePseudonymKey(reader, input.pseudonymKey)
  }
  let done = 0
  const onTable = () => input.onTable?.(++done)
  // The second connection is opened and prepared while this one fills the key sets: a new connection (TLS, a tunnel) takes a while.
  const opening =
    mode === 'temporary'
      ? openSecondReader({
          pool: input.pool,
          first: client,
          tables: secondReaderTables(plan),
          spoolPath: input.spoolPath,
          async prepare(reader, tables) {
            await useExportSettings(reader)
            await useRootKeys(reader, input.subjects)
            rowsOf.set(reader, await chooseSubjectRows(reader, plan, schema, {mode, readOnly: true, only: tables}))
            await readOnly(reader)
          },
          readTable,
          onTable,
        })
      : Promise.resolve(null)
  const choosing = chooseSubjectRows(client, plan, schema, {mode, readOnly: true})
  const [chosen, opened] = await Promise.allSettled([choosing, opening])
  const second = opened.status === 'fulfilled' ? opened.value : null
  try {
    if (chosen.status === 'rejected') throw chosen.reason
    if (opened.status === 'rejected') throw opened.reason
    const rows = chosen.value
    rowsOf.set(client, rows)
    await readOnly(client)
    const order = plan.tables.map(t => t.key)
    const tables: TableResult[] = []
    if (second) tables.push(...(await second.readAll(input.zip, order, key => tableFiles.get(key)!.entry.path, client)))
    else {
      for (const key of order) {
        tables.push(await readTable(key, input.zip, client))
        onTable()
      }
    }
    return {tables, rows, withheld, pseudonymised}
  } finally {
    await second?.close()
  }
}

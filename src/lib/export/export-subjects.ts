import {createHash} from 'node:crypto'
import {once} from 'node:events'
import {WriteStream, createReadStream, createWriteStream, existsSync} from 'node:fs'
import {rename, rm} from 'node:fs/promises'

import type pg from 'pg'
import QueryStream from 'pg-query-stream'

import {loadMapForDatabase} from '../datamap/for-database.js'
import type {DataMap} from '../datamap/schema.js'
import {PrivacyError} from '../errors.js'
import {LOG_COLUMNS, streamSubjectLines, subjectIdentifiers} from '../logs/subject-lines.js'
import type {ProgressSink} from '../progress.js'
import {PlannedTable, planSubjectGraph} from '../subject/graph.js'
import {KeySetMode, chooseSubjectRows} from '../subject/keyset.js'
import type {SubjectLookup} from '../subject/parse.js'
import {resolveSubjects, useRootKeys} from '../subject/resolve.js'
import {FileEntry, addJsonLinesFile, addRowsFile, emptyRows} from './archive-files.js'
import {addCopiedCsvFile, addCopiedJsonFile, copyCsvStatement, copyJsonStatement} from './copy-files.js'
import {assertAgeRecipient, encryptFile} from './encrypt.js'
import {HtmlTable, renderIndexHtml} from './html.js'
import {MANIFEST_PATH, Manifest, ManifestFile} from './manifest.js'
import {subjectRowsSelect} from './rows-query.js'
import {ZipWriter} from './zip-writer.js'

export interface ExportInput {
  /** Where the rows are read from: the database, or a follower of it. */
  pool: pg.Pool
  mapFile: string
  subjects: SubjectLookup[]
  out: string
  force?: boolean
  format: 'json' | 'csv'
  app: string | null
  database: string
  request: string | null
  /** The ledger's keyed fingerprint of a lookup value, when a ledger is at hand. */
  fingerprint?: (column: string, value: string) => string
  /** Key for the stable pseudonyms that replace other people's identifiers. */
  pseudonymKey: Buffer
  /** age recipient (age1…) to encrypt the archive to. */
  encryptTo?: string
  tool: {name: string; version: string}
  notCovered?: string[]
  /** A log store (privacy:logs:serve's): the lines mentioning the people go under logs/. */
  logs?: pg.Pool
  progress?: ProgressSink
}

export interface ExportSummary {
  path: string
  format: 'json' | 'csv'
  encrypted: boolean
  subjects: number
  tables: number
  rows: number
  bytes: number
  sha256: string
  snapshotAt: string
  request: string | null
  files: ManifestFile[]
  withheld: Manifest['withheld']
}

function withheldColumns(map: DataMap, table: PlannedTable): Array<{column: string; reason: string}> {
  return Object.entries(table.spec.columns ?? {}).flatMap(([column, spec]) => {
    if (spec.category === 'credentials') return [{column, reason: 'credentials are never exported'}]
    if (spec.erase === 'keep' && spec.basis === 'third_party') return [{column, reason: "another person's data (kept on a third-party basis)"}]
    return []
  }).filter(w => map.tables[table.key]?.columns?.[w.column] !== undefined)
}

/**
 * Writes one archive with every row the data map ties to the given people,
 * read in one REPEATABLE READ READ ONLY transaction so all files show the same
 * moment. Tables stream through a cursor into a zip on disk; the archive is
 * written as `<out>.partial` and renamed only when complete.
 */
export async function exportSubjects(input: ExportInput): Promise<ExportSummary> {
  if (existsSync(input.out) && !input.force) {
    throw new PrivacyError(`${input.out} already exists; choose another --out or pass --force to replace it.`, {code: 'output_exists'})
  }
  if (input.encryptTo) assertAgeRecipient(input.encryptTo)
  const partial = `${input.out}.partial`
  const output = await createPartial(partial)
  const client = await input.pool.connect().catch(async error => {
    output.destroy()
    await rm(partial, {force: true})
    throw error
  })
  let written: {snapshotAt: string; files: ManifestFile[]; withheld: Manifest['withheld']; subjects: number}
  try {
    // A follower (a hot standby, or a read-only login) cannot hold temporary tables: there the row sets are recomputed per query.
    const {rows: [source]} = await client.query<{read_only: boolean}>(`SELECT pg_is_in_recovery() OR current_setting('default_transaction_read_only') = 'on' AS read_only`)
    const mode: KeySetMode = source!.read_only ? 'inline' : 'temporary'
    await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ ${mode === 'inline' ? 'READ ONLY' : 'READ WRITE'}`)
    // Timestamps Postgres encodes as JSON carry the session's offset; UTC reads the same everywhere.
    await client.query(`SET LOCAL TimeZone = 'UTC'`)
    written = await writeArchive(client, input, output, mode)
    await client.query('COMMIT')
  } catch (error) {
    output.destroy()
    await client.query('ROLLBACK').catch(() => {})
    await rm(partial, {force: true})
    throw error
  } finally {
    client.release()
  }
  if (input.encryptTo) {
    input.progress?.({kind: 'step', message: 'encrypting the archive'})
    const encrypted = `${input.out}.partial.age`
    await encryptFile(partial, encrypted, input.encryptTo).catch(async error => {
      await rm(encrypted, {force: true})
      throw error
    }).finally(() => rm(partial, {force: true}))
    await rename(encrypted, input.out)
  } else {
    await rename(partial, input.out)
  }
  const {sha256, bytes} = await hashFile(input.out)
  return {
    path: input.out,
    format: input.format,
    encrypted: Boolean(input.encryptTo),
    subjects: written.subjects,
    tables: written.files.length,
    rows: written.files.reduce((sum, f) => sum + f.rows, 0),
    bytes,
    sha256,
    snapshotAt: written.snapshotAt,
    request: input.request,
    files: written.files,
    withheld: written.withheld,
  }
}

async function hashFile(path: string): Promise<{sha256: string; bytes: number}> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer)
    bytes += (chunk as Buffer).length
  }
  return {sha256: hash.digest('hex'), bytes}
}

/** The archive's file while it is written; one already there may be another export's, so it is left alone. */
async function createPartial(path: string): Promise<WriteStream> {
  const output = createWriteStream(path, {flags: 'wx'})
  try {
    await once(output, 'open')
  } catch (error) {
    if ((error as {code?: string}).code === 'EEXIST') {
      throw new PrivacyError(`${path} exists: another export to the same file may be running. Remove it if none is, or choose another --out.`, {code: 'output_exists'})
    }
    throw error
  }
  return output
}

async function writeArchive(client: pg.PoolClient, input: ExportInput, output: WriteStream, mode: KeySetMode) {
  const {rows: [clock]} = await client.query<{now: Date}>('SELECT now() AS now')
  const snapshotAt = clock!.now.toISOString()
  const {loaded, schema} = await loadMapForDatabase(input.mapFile, client)
  const map = loaded.map
  const subjects = await resolveSubjects(client, map, input.subjects, schema)
  const rootKeys = await useRootKeys(client, subjects)
  const plan = planSubjectGraph(map, schema)
  input.progress?.({kind: 'step', message: `choosing the rows of ${rootKeys.length} ${rootKeys.length === 1 ? 'person' : 'people'}`})
  const rows = await chooseSubjectRows(client, plan, schema, {mode, rootKey: map.subject.key, readOnly: true})
  // Everything from here on only reads: the row sets are in place, and the snapshot is the one they were chosen in.
  await client.query('SET TRANSACTION READ ONLY')

  const zip = new ZipWriter(output)
  const files: ManifestFile[] = []
  const html: HtmlTable[] = []
  const withheld: Manifest['withheld'] = []
  const pseudonymised: Manifest['pseudonymised'] = []
  const extension = input.format === 'json' ? 'json' : 'csv'
  for (const [index, table] of plan.tables.entries()) {
    const hidden = withheldColumns(map, table)
    withheld.push(...hidden.map(h => ({table: table.key, ...h})))
    const columns = table.table.columns.map(c => c.name).filter(c => !hidden.some(h => h.column === c))
    const thirdParty = (table.spec.third_party ?? []).filter(c => columns.includes(c))
    pseudonymised.push(...thirdParty.map(column => ({table: table.key, column, reason: "another person's identifier, replaced by a stable pseudonym"})))
    const entry: FileEntry = {path: `data/${table.key}.${extension}`, table: table.key, columns, format: input.format, encoded: true}
    const written = await addTableFile(zip, entry, client, subjectRowsSelect(rows, table.key, columns, {columns: thirdParty, key: input.pseudonymKey}, input.format))
    files.push(written.file)
    html.push(written.shown)
    input.progress?.({kind: 'count', label: 'tables exported', done: index + 1, total: plan.tables.length})
  }
  if (input.logs) {
    input.progress?.({kind: 'step', message: 'searching the log store'})
    const identifiers = await subjectIdentifiers(client, {map, rows, lookups: subjects.map(s => s.lookup)})
    const logs = await input.logs.connect()
    try {
      const source = identifiers.length > 0 ? streamSubjectLines(logs, identifiers) : emptyRows()
      const written = await addRowsFile(zip, {path: `logs/lines.${extension}`, table: 'logs', columns: [...LOG_COLUMNS], format: input.format}, source)
      files.push(written.file)
      html.push(written.shown)
    } finally {
      logs.release()
    }
  }
  const manifest: Manifest = {
    format: 'heroku-privacy-export',
    formatVersion: 1,
    tool: input.tool,
    app: input.app,
    database: input.database,
    snapshotAt,
    request: input.request,
    dataFormat: input.format,
    subjects: subjects.map(s => ({lookupColumn: s.lookup.column, fingerprint: input.fingerprint?.(s.lookup.column, s.lookup.value) ?? null})),
    files,
    withheld,
    pseudonymised,
    notCovered: [...plan.unreachable.map(t => `${t}: in the data map but not connected to the subject by any via edge`), ...(input.notCovered ?? [])],
  }
  await zip.addBuffer('index.html', Buffer.from(renderIndexHtml({generatedAt: snapshotAt, app: input.app, tables: html, withheld})))
  await zip.addBuffer(MANIFEST_PATH, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`))
  await zip.finish()
  return {snapshotAt, files, withheld, subjects: rootKeys.length}
}

/**
 * One table's file. Rows without bound parameters (no other person's
 * identifier to pseudonymise with the key) are written by Postgres through
 * COPY; the others are read through a cursor.
 */
function addTableFile(zip: ZipWriter, entry: FileEntry, client: pg.ClientBase, query: {prefix: string; select: string; params: unknown[]}) {
  if (query.params.length === 0) {
    return entry.format === 'json'
      ? addCopiedJsonFile(zip, entry, client, copyJsonStatement(query.prefix, query.select))
      : addCopiedCsvFile(zip, entry, client, copyCsvStatement(query.prefix, query.select))
  }
  return entry.format === 'json'
    ? addJsonLinesFile(zip, entry, client.query(new QueryStream(`${query.prefix}SELECT row_to_json(r)::text FROM (${query.select}) r`, query.params, {batchSize: 1000, rowMode: 'array'})))
    : addRowsFile(zip, entry, client.query(new QueryStream(`${query.prefix}${query.select}`, query.params, {batchSize: 1000})))
}

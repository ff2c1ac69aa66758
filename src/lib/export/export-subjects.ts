import {once} from 'node:events'
import {WriteStream, createWriteStream, existsSync} from 'node:fs'
import {rename, rm} from 'node:fs/promises'

import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import type {Locale} from '../datamap/processing-schema.js'
import {hiddenByRowSecurity} from '../db/introspect.js'
import {PrivacyError, violation} from '../errors.js'
import {LOG_COLUMNS, streamSubjectLines, subjectIdentifiers} from '../logs/subject-lines.js'
import type {ProgressSink} from '../progress.js'
import {planSubjectGraph} from '../subject/graph.js'
import type {KeySetMode} from '../subject/keyset.js'
import type {SubjectLookup} from '../subject/parse.js'
import {KindChoice, kindsOf, resolveSubjects, useRootKeys} from '../subject/resolve.js'
import {addRowsFile, emptyRows} from './archive-files.js'
import {Art15Facts, buildArt15Facts} from './art15.js'
import {assertAgeRecipient, encryptFile} from './encrypt.js'
import {hashFile} from './hash-file.js'
import {HtmlTable, renderIndexHtml} from './html.js'
import {en} from './i18n/en.js'
import {MANIFEST_PATH, Manifest, ManifestFile} from './manifest.js'
import {useExportSettings, writeTableFiles} from './table-files.js'
import {planWithholding} from './withhold.js'
import {ZipWriter} from './zip-writer.js'

export interface ExportInput {
  /** Where the rows are read from: the database, or a follower of it. */
  pool: pg.Pool
  mapFile: string
  subjects: SubjectLookup[]
  /** Which kind of person the lookups name (see KindChoice). */
  kinds?: KindChoice
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
  /** Write card, bank, government-id, health or biometric data into an unencrypted zip all the same. */
  allowPlaintext?: boolean
  /** The language of index.html (default en). */
  locale?: Locale
  tool: {name: string; version: string}
  /** The ledger's head when the export began, recorded in the manifest. */
  ledgerHead?: string | null
  /** More places the archive does not cover, beyond backups, platform logs and unconnected tables. */
  notCovered?: string[]
  /** A log store (privacy:logs:serve's): the lines mentioning the people go under logs/. */
  logs?: pg.Pool
  /** Write the archive even when row-level security hides rows of some tables, listing them as not covered. */
  allowIncomplete?: boolean
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
  /** Which Art. 15 facts the map left unstated or unreviewed (the same as in manifest.json). */
  art15: Pick<Art15Facts, 'unstated' | 'unreviewed'>
}

/**
 * Writes one archive with every row the data map ties to the given people,
 * read in one REPEATABLE READ READ ONLY transaction so all files show the same
 * moment. Tables stream through a cursor into a zip on disk; the archive is
 * written as `<out>.partial` and renamed only when complete.
 */
export async function exportSubjects(input: ExportInput): Promise<ExportSummary> {
  if (existsSync(input.out) && !input.force) {
    throw new PrivacyError(`${input.out} already exists.`, {code: 'output_exists'})
  }
  if (input.encryptTo) assertAgeRecipient(input.encryptTo)
  const partial = `${input.out}.partial`
  const output = await createPartial(partial)
  const client = await input.pool.connect().catch(async error => {
    output.destroy()
    await rm(partial, {force: true})
    throw error
  })
  let written: Awaited<ReturnType<typeof writeArchive>>
  try {
    // A follower (a hot standby, or a read-only login) cannot hold temporary tables: there the row sets are recomputed per query.
    const {
      rows: [source],
    } = await client.query<{read_only: boolean}>(`SELECT pg_is_in_recovery() OR current_setting('default_transaction_read_only') = 'on' AS read_only`)
    const mode: KeySetMode = source!.read_only ? 'inline' : 'temporary'
    await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ ${mode === 'inline' ? 'READ ONLY' : 'READ WRITE'}`)
    await useExportSettings(client)
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
    await encryptFile(partial, encrypted, input.encryptTo)
      .catch(async error => {
        await rm(encrypted, {force: true})
        throw error
      })
      .finally(() => rm(partial, {force: true}))
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
    art15: {unstated: written.art15.unstated, unreviewed: written.art15.unreviewed},
  }
}

/** The archive's file while it is written; one already there may be another export's, so it is left alone. */
async function createPartial(path: string): Promise<WriteStream> {
  const output = createWriteStream(path, {flags: 'wx'})
  try {
    await once(output, 'open')
  } catch (error) {
    if ((error as {code?: string}).code === 'EEXIST') {
      throw new PrivacyError(`${path} exists: another export to the same file may be running. Remove it if none is, or choose another --out.`, {
        code: 'output_exists',
      })
    }
    throw error
  }
  return output
}

async function writeArchive(client: pg.PoolClient, input: ExportInput, output: WriteStream, mode: KeySetMode) {
  const {
    rows: [clock],
  } = await client.query<{now: Date}>('SELECT now() AS now')
  const snapshotAt = clock!.now.toISOString()
  const {loaded, schema} = await loadMapForDatabase(input.mapFile, client)
  const map = loaded.map
  const subjects = await resolveSubjects(client, map, input.subjects, schema, input.kinds)
  const people = await useRootKeys(client, subjects)
  const plan = planSubjectGraph(map, schema, kindsOf(map, subjects))
  const hidden = hiddenByRowSecurity(plan.tables.map(t => t.table))
  if (hidden.length > 0 && !input.allowIncomplete) {
    throw violation(
      'row_security',
      `Row-level security hides rows of ${hidden.join(', ')} from this role, so the archive would miss some of the person's data; run as the tables' owner or a role with BYPASSRLS.`,
      {details: {tables: hidden}},
    )
  }
  const hiddenByTable = planWithholding(
    plan.tables.map(t => ({key: t.key, spec: t.spec, columns: t.table.columns.map(c => c.name)})),
    {encrypted: Boolean(input.encryptTo), allowPlaintext: input.allowPlaintext === true},
  )
  const extension = input.format === 'json' ? 'json' : 'csv'
  input.progress?.({kind: 'step', message: `choosing the rows of ${people} ${people === 1 ? 'person' : 'people'}`})
  const zip = new ZipWriter(output)
  const {tables, rows, withheld, pseudonymised} = await writeTableFiles({
    client,
    pool: input.pool,
    mode,
    plan,
    schema,
    subjects,
    hiddenByTable,
    format: input.format,
    pseudonymKey: input.pseudonymKey,
    zip,
    spoolPath: `${output.path as string}.spool`,
    onTable: done => input.progress?.({kind: 'count', label: 'tables exported', done, total: plan.tables.length}),
  })
  const files: ManifestFile[] = tables.map(t => t.file)
  const html: HtmlTable[] = tables.map(t => t.shown)
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
    subjects: subjects.map(s => ({kind: s.kind, lookupColumn: s.lookup.column, fingerprint: input.fingerprint?.(s.lookup.column, s.lookup.value) ?? null})),
    files,
    withheld,
    pseudonymised,
    ledgerHead: input.ledgerHead ?? null,
    notCovered: [
      en.notCovered.backups,
      en.notCovered.logplex,
      ...plan.unreachable.map(t => `${t}: in the data map but not connected to the subject by any via edge`),
      ...hidden.map(t => `${t}: row-level security hid some rows from the role that made this export`),
      ...(input.notCovered ?? []),
    ],
    locale: input.locale ?? 'en',
    art15: buildArt15Facts(
      map,
      files.filter(f => f.rows > 0).map(f => f.table),
    ),
  }
  await zip.addBuffer(
    'index.html',
    Buffer.from(
      renderIndexHtml({
        locale: manifest.locale,
        generatedAt: snapshotAt,
        request: input.request,
        tool: input.tool,
        map,
        facts: manifest.art15,
        tables: html,
        columnTypes: new Map(plan.tables.map(t => [t.key, new Map(t.table.columns.map(c => [c.name, c.baseType]))])),
        withheld,
        pseudonymised,
        notCovered: {standard: ['backups', 'logplex'], unreachable: plan.unreachable, other: input.notCovered ?? []},
      }),
    ),
  )
  await zip.addBuffer(MANIFEST_PATH, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`))
  await zip.finish()
  return {snapshotAt, files, withheld, subjects: people, art15: manifest.art15}
}

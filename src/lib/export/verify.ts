import {createHash} from 'node:crypto'
import {Readable, Transform, Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {parse} from 'csv-parse'
import yauzl from 'yauzl'

import {PrivacyError} from '../errors.js'
import {MANIFEST_PATH, Manifest} from './manifest.js'

export interface FileVerdict {
  path: string
  ok: boolean
  problem?: string
}

export interface ArchiveVerdict {
  archive: string
  intact: boolean
  files: FileVerdict[]
  /** Entries in the zip that the manifest does not list. */
  unexpected: string[]
  manifest: Pick<Manifest, 'app' | 'database' | 'snapshotAt' | 'request' | 'dataFormat' | 'ledgerHead'> & {apps?: string[]}
}

const ALWAYS_PRESENT = new Set([MANIFEST_PATH, 'index.html'])

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, {lazyEntries: true, autoClose: false}, (error, zip) => (error ? reject(error) : resolve(zip)))
  })
}

async function readEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>()
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry)
      zip.readEntry()
    })
    zip.on('end', () => resolve())
    zip.on('error', reject)
    zip.readEntry()
  })
  return entries
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)))
  })
}

/** Counts JSON rows (one per line, as the exporter writes them) while hashing. */
function jsonRowCounter(counter: {rows: number}): Writable {
  let carry = ''
  const countLines = (text: string) => {
    for (const line of text.split('\n')) if (line.startsWith('{')) counter.rows++
  }
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const text = carry + chunk.toString('utf8')
      const cut = text.lastIndexOf('\n')
      countLines(text.slice(0, cut + 1))
      carry = text.slice(cut + 1)
      callback()
    },
    final(callback) {
      countLines(carry)
      callback()
    },
  })
}

function csvRowCounter(counter: {rows: number}): Writable {
  const parser = parse({relax_column_count: true})
  parser.on('data', () => {
    counter.rows++
  })
  return parser
}

async function checkEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, format: 'json' | 'csv'): Promise<{sha256: string; rows: number}> {
  const hash = createHash('sha256')
  const counter = {rows: 0}
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      callback(null, chunk)
    },
  })
  await pipeline(await openEntry(zip, entry), hasher, format === 'json' ? jsonRowCounter(counter) : csvRowCounter(counter))
  return {sha256: hash.digest('hex'), rows: format === 'csv' ? Math.max(0, counter.rows - 1) : counter.rows}
}

/** Recomputes every file's checksum and row count and compares them with the manifest. */
export async function verifyArchive(path: string): Promise<ArchiveVerdict> {
  let zip: yauzl.ZipFile
  try {
    zip = await openZip(path)
  } catch (error) {
    const code = (error as {code?: string}).code
    if (code === 'ENOENT') throw new PrivacyError(`No archive at ${path}.`, {code: 'archive_missing'})
    throw new PrivacyError(`${path} is not a zip archive${path.endsWith('.age') ? ' (it is encrypted: decrypt it with `age -d` first)' : ''}.`, {
      code: 'archive_unreadable',
    })
  }
  try {
    const entries = await readEntries(zip)
    const manifestEntry = entries.get(MANIFEST_PATH)
    if (!manifestEntry) throw new PrivacyError(`${path} has no ${MANIFEST_PATH}; it is not an archive made by privacy:export.`, {code: 'archive_unreadable'})
    const chunks: Buffer[] = []
    for await (const chunk of await openEntry(zip, manifestEntry)) chunks.push(chunk as Buffer)
    let manifest: Manifest & {apps?: Array<{app: string}>}
    try {
      manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Manifest & {apps?: Array<{app: string}>}
    } catch {
      throw new PrivacyError(`${path}: ${MANIFEST_PATH} is not valid JSON.`, {code: 'archive_unreadable'})
    }
    const files: FileVerdict[] = []
    for (const file of manifest.files ?? []) {
      const entry = entries.get(file.path)
      if (!entry) {
        files.push({path: file.path, ok: false, problem: 'listed in the manifest but missing from the archive'})
        continue
      }
      const actual = await checkEntry(zip, entry, manifest.dataFormat)
      const problems = [
        ...(actual.sha256 === file.sha256 ? [] : ['its checksum differs from the manifest']),
        ...(actual.rows === file.rows ? [] : [`it has ${actual.rows} rows, the manifest says ${file.rows}`]),
      ]
      files.push({path: file.path, ok: problems.length === 0, ...(problems.length > 0 ? {problem: problems.join('; ')} : {})})
    }
    const listed = new Set((manifest.files ?? []).map(f => f.path))
    // An archive across apps holds each app's own manifest and page in its folder.
    const apps = (manifest.apps ?? []).map(a => a.app)
    const present = new Set([...ALWAYS_PRESENT, ...apps.flatMap(app => [...ALWAYS_PRESENT].map(name => `${app}/${name}`))])
    const unexpected = [...entries.keys()].filter(name => !listed.has(name) && !present.has(name) && !name.endsWith('/'))
    return {
      archive: path,
      intact: files.every(f => f.ok) && unexpected.length === 0,
      files,
      unexpected,
      manifest: {
        app: manifest.app,
        database: manifest.database,
        snapshotAt: manifest.snapshotAt,
        request: manifest.request,
        dataFormat: manifest.dataFormat,
        ledgerHead: manifest.ledgerHead ?? null,
        ...(apps.length > 0 ? {apps} : {}),
      },
    }
  } finally {
    zip.close()
  }
}

import {createWriteStream} from 'node:fs'
import {pipeline} from 'node:stream/promises'

import yauzl from 'yauzl'
import yazl from 'yazl'

import {escape} from './html-facts.js'
import {MANIFEST_PATH, Manifest, ManifestFile} from './manifest.js'

/** One app's part of an archive across apps: the zip a single-app export wrote, and what it holds. */
export interface ArchivePart {
  app: string
  database: string
  path: string
  snapshotAt: string
  files: ManifestFile[]
  ledgerHead: string | null
}

/** What the top-level manifest of an archive across apps says of each app; its files are listed under the archive's files with `<app>/` before their paths. */
export interface ManifestApp {
  app: string
  database: string
  snapshotAt: string
  /** The app's own manifest.json (its withheld columns, Art. 15 facts, what it does not cover). */
  manifest: string
  tables: number
  rows: number
  ledgerHead: string | null
}

/** The top-level manifest.json: the archive's files (under each app's folder) and its apps; the rest of what a manifest says is in each app's own. */
export type AcrossAppsManifest = Pick<
  Manifest,
  'format' | 'formatVersion' | 'tool' | 'app' | 'database' | 'snapshotAt' | 'request' | 'dataFormat' | 'files' | 'ledgerHead' | 'notCovered' | 'locale'
> & {apps: ManifestApp[]}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, {lazyEntries: true, autoClose: false}, (error, zip) => (error ? reject(error) : resolve(zip)))
  })
}

async function entriesOf(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = []
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry)
      zip.readEntry()
    })
    zip.on('end', () => resolve())
    zip.on('error', reject)
    zip.readEntry()
  })
  return entries
}

/**
 * Writes one zip holding every app's part under `<app>/`, entry by entry
 * (each streamed only when the writer reaches it, so memory stays flat), with
 * a top-level manifest listing every app, database and file, and an index.html
 * that leads to each app's page.
 */
export async function combineParts(
  parts: ArchivePart[],
  out: string,
  manifest: Omit<AcrossAppsManifest, 'apps' | 'files' | 'database' | 'snapshotAt' | 'app'>,
): Promise<AcrossAppsManifest> {
  const zips = await Promise.all(parts.map(async part => ({part, zip: await openZip(part.path)})))
  try {
    const zip = new yazl.ZipFile()
    const done = pipeline(zip.outputStream, createWriteStream(out, {flags: 'wx'}))
    for (const {part, zip: source} of zips) {
      for (const entry of await entriesOf(source)) {
        if (entry.fileName.endsWith('/')) continue
        zip.addReadStreamLazy(`${part.app}/${entry.fileName}`, {compressionLevel: 1}, callback => {
          source.openReadStream(entry, (error, stream) => callback(error, stream))
        })
      }
    }
    const combined: AcrossAppsManifest = {
      ...manifest,
      app: null,
      database: parts.map(p => `${p.app}: ${p.database}`).join(', '),
      snapshotAt: parts.map(p => p.snapshotAt).sort()[0]!,
      files: parts.flatMap(p => p.files.map(f => ({...f, path: `${p.app}/${f.path}`}))),
      apps: parts.map(p => ({
        app: p.app,
        database: p.database,
        snapshotAt: p.snapshotAt,
        manifest: `${p.app}/${MANIFEST_PATH}`,
        tables: p.files.length,
        rows: p.files.reduce((sum, f) => sum + f.rows, 0),
        ledgerHead: p.ledgerHead,
      })),
    }
    zip.addBuffer(Buffer.from(indexPage(combined)), 'index.html')
    zip.addBuffer(Buffer.from(`${JSON.stringify(combined, null, 2)}\n`), MANIFEST_PATH)
    zip.end()
    await done
    return combined
  } finally {
    for (const {zip} of zips) zip.close()
  }
}

function indexPage(manifest: AcrossAppsManifest): string {
  const items = manifest.apps
    .map(a => `<li><a href="${escape(a.app)}/index.html">${escape(a.app)}</a>: ${a.rows} rows from ${a.tables} tables, read at ${escape(a.snapshotAt)}</li>`)
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your data</title></head>
<body><h1>Your data, from ${manifest.apps.length} applications</h1>
<p>Each application keeps its own data. Open its page to read what it holds about you, why, and for how long.</p>
<ul>
${items}
</ul></body></html>
`
}

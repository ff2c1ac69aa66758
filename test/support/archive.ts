import {createWriteStream} from 'node:fs'
import {pipeline} from 'node:stream/promises'

import yauzl from 'yauzl'
import yazl from 'yazl'

/** Every entry of a zip, read whole (test archives are small). */
export async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, {lazyEntries: true}, (error, file) => (error ? reject(error) : resolve(file)))
  })
  const entries = new Map<string, Buffer>()
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error)
        const chunks: Buffer[] = []
        stream.on('data', chunk => chunks.push(chunk as Buffer))
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks))
          zip.readEntry()
        })
      })
    })
    zip.on('end', () => resolve())
    zip.on('error', reject)
    zip.readEntry()
  })
  return entries
}

/** Writes a copy of a zip with some entries replaced (or added), as someone tampering with it would. */
export async function rewriteZip(from: string, to: string, replace: Record<string, string>): Promise<void> {
  const entries = await readZip(from)
  const zip = new yazl.ZipFile()
  for (const [name, content] of entries) zip.addBuffer(name in replace ? Buffer.from(replace[name]!) : content, name)
  for (const [name, content] of Object.entries(replace)) if (!entries.has(name)) zip.addBuffer(Buffer.from(content), name)
  zip.end()
  await pipeline(zip.outputStream, createWriteStream(to))
}

export function jsonRows(entries: Map<string, Buffer>, table: string): Array<Record<string, unknown>> {
  const content = entries.get(`data/${table}.json`)
  if (!content) throw new Error(`no data/${table}.json in the archive`)
  return JSON.parse(content.toString('utf8')) as Array<Record<string, unknown>>
}

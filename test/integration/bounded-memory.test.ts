import {rm} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'

import {PARENT_HEAVY_ID} from '../support/fixture/generate.js'
import {runCli, useDatabase, writeDocumentsMap} from '../support/context.js'

const DOCUMENTS = 1_000_000
/**
 * A JavaScript heap far smaller than a million keys held as numbers, strings
 * or Set entries would need, and enough for the command itself: a path that
 * kept per-row state would die of it.
 */
const SMALL_HEAP = {NODE_OPTIONS: '--max-old-space-size=48'}

describe('memory stays flat however many rows a person has', function () {
  this.timeout(300_000)
  const db = useDatabase({users: 100, parentHeavyDocuments: DOCUMENTS})
  let dir: string
  let map: string
  const expected = async () => {
    const {
      rows: [n],
    } = await db.pool.query<{documents: number; children: number}>(
      `
      SELECT (SELECT count(*) FROM documents WHERE owner_id = $1)::int AS documents,
             (SELECT count(*) FROM document_versions v JOIN documents d ON d.id = v.document_id WHERE d.owner_id = $1)::int
           + (SELECT count(*) FROM document_shares s JOIN documents d ON d.id = s.document_id WHERE d.owner_id = $1 OR s.shared_with_id = $1)::int
           + (SELECT count(*) FROM document_comments c JOIN documents d ON d.id = c.document_id WHERE d.owner_id = $1 OR c.author_id = $1)::int AS children`,
      [PARENT_HEAVY_ID],
    )
    return n!
  }

  before(async () => {
    ;({dir, map} = await writeDocumentsMap(db.url))
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('exports a person with a million parent rows under a small heap, every row in the archive', async () => {
    const {documents, children} = await expected()
    expect(documents).to.equal(DOCUMENTS)
    const archive = join(dir, 'heavy.zip')
    const result = await runCli(
      ['privacy:export', '--database-url', db.url, '--map', map, '--subject', `id=${PARENT_HEAVY_ID}`, '--out', archive, '--allow-plaintext', '--json'],
      SMALL_HEAP,
    )
    expect(result.code, result.stderr.slice(-2000)).to.equal(0)
    const summary = JSON.parse(result.stdout) as {files: Array<{path: string; rows: number}>}
    const rowsOf = (path: string) => summary.files.find(f => f.path === path)?.rows ?? 0
    expect(rowsOf('data/public.documents.json')).to.equal(DOCUMENTS)
    expect(rowsOf('data/public.document_versions.json') + rowsOf('data/public.document_shares.json') + rowsOf('data/public.document_comments.json')).to.equal(
      children,
    )
    const verified = await runCli(['privacy:verify', archive], SMALL_HEAP)
    expect(verified.code, verified.stderr).to.equal(0)
  })

  it('erases that person under the same small heap', async () => {
    // Indexes on the keys into documents, as an application erasing people would have (the dry run names them otherwise).
    await db.pool.query(
      'CREATE INDEX ON document_versions (document_id); CREATE INDEX ON document_shares (document_id); CREATE INDEX ON document_comments (document_id); ANALYZE',
    )
    const result = await runCli(
      ['privacy:erase', '--database-url', db.url, '--map', map, '--subject', `id=${PARENT_HEAVY_ID}`, '--confirm', db.name, '--json'],
      SMALL_HEAP,
    )
    expect(result.code, result.stderr.slice(-2000)).to.equal(0)
    const {documents, children} = await expected()
    expect({documents, children}).to.deep.equal({documents: 0, children: 0})
  })
})

import {readdir, rm} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'
import pg from 'pg'

import {exportSubjects} from '../../src/lib/export/export-subjects.js'
import {verifyArchive} from '../../src/lib/export/verify.js'
import {parseSubject} from '../../src/lib/subject/parse.js'
import {readZip} from '../support/archive.js'
import {useDatabase, writeDocumentsMap} from '../support/context.js'
import {PARENT_HEAVY_ID} from '../support/fixture/generate.js'

describe('export on two connections of one snapshot', function () {
  this.timeout(300_000)
  const db = useDatabase({users: 200, parentHeavyDocuments: 20_000})
  let dir: string
  let map: string

  before(async () => {
    ;({dir, map} = await writeDocumentsMap(db.url))
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  /** Exports the parent-heavy person through a pool of `connections`; returns the archive's entries and how many connections the pool opened. */
  async function exportThrough(
    connections: number,
    format: 'json' | 'csv',
    wrap: (pool: pg.Pool) => pg.Pool = pool => pool,
  ): Promise<{entries: Map<string, Buffer>; opened: number; out: string}> {
    const pool = new pg.Pool({connectionString: db.url, max: connections})
    const out = join(dir, `heavy-${connections}.${format}.zip`)
    try {
      await exportSubjects({
        pool: wrap(pool),
        mapFile: map,
        subjects: [parseSubject(`id=${PARENT_HEAVY_ID}`)],
        out,
        force: true,
        format,
        app: null,
        database: db.name,
        request: null,
        pseudonymKey: Buffer.alloc(32, 7),
        allowPlaintext: true,
        tool: {name: 'heroku-privacy', version: 'test'},
      })
      return {entries: await readZip(out), opened: pool.totalCount, out}
    } finally {
      await pool.end()
    }
  }

  for (const format of ['json', 'csv'] as const) {
    it(`writes the same ${format} files as one connection, in the same order, and leaves no spool behind`, async () => {
      const one = await exportThrough(1, format)
      const two = await exportThrough(4, format)
      expect(one.opened).to.equal(1)
      expect(two.opened, 'a second connection read some of the tables').to.equal(2)
      const data = (entries: Map<string, Buffer>) => [...entries.keys()].filter(name => name.startsWith('data/'))
      expect(data(two.entries)).to.deep.equal(data(one.entries))
      expect(data(two.entries)).to.include(`data/public.documents.${format}`)
      for (const name of data(one.entries)) expect(two.entries.get(name)!.equals(one.entries.get(name)!), name).to.equal(true)
      expect((await verifyArchive(two.out)).intact).to.equal(true)
      expect((await readdir(dir)).filter(name => name.includes('spool'))).to.deep.equal([])
    })
  }

  it('fails whole, leaving no spool or partial archive, when the second connection is lost part-way', async () => {
    // The pool's second connection (the second reader) loses its connection at its first COPY.
    const losingSecond = (pool: pg.Pool) => {
      let connections = 0
      return new Proxy(pool, {
        get(target, property, receiver) {
          if (property !== 'connect') return Reflect.get(target, property, receiver)
          return async () => {
            const client = await target.connect()
            if (++connections !== 2) return client
            return new Proxy(client, {
              get(c, name, r) {
                if (name !== 'query') return Reflect.get(c, name, r)
                return (query: unknown, ...rest: unknown[]) => {
                  if (typeof query === 'object' && query !== null && /COPY/.test(String((query as {text?: string}).text)))
                    throw new Error('the connection was lost')
                  return (c.query as (...args: unknown[]) => unknown)(query, ...rest)
                }
              },
            })
          }
        },
      })
    }
    await expect(exportThrough(4, 'json', losingSecond)).to.be.rejectedWith(/the connection was lost/)
    expect((await readdir(dir)).filter(name => name.includes('spool') || name.endsWith('.partial'))).to.deep.equal([])
  })
})

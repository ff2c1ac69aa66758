import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

import {expect} from 'chai'
import pg from 'pg'

import {testPostgres} from '../support/global-hooks.js'
import {builtApp, loadCorpus} from './tools/run-app.js'

describe('corpus databases', () => {
  it('builds an application once per run and hands every later evaluation the same filled database', async () => {
    const [app] = await loadCorpus(dirname(fileURLToPath(import.meta.url)), ['umami'])
    const server = testPostgres()
    const url = (db?: string) => server.url(db)
    const [first, concurrent] = await Promise.all([builtApp(url, app!), builtApp(url, app!)])
    const later = await builtApp(url, app!)
    expect(concurrent.url).to.equal(first.url)
    expect(later.url).to.equal(first.url)
    expect(first.filled.size).to.be.greaterThan(100)
    const admin = new pg.Client({connectionString: server.url()})
    await admin.connect()
    try {
      const {rows} = await admin.query<{n: number}>(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'corpus\\_umami\\_%'`)
      expect(rows[0]!.n).to.equal(1)
    } finally {
      await admin.end()
    }
  })
})

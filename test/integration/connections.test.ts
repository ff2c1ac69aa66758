import {expect} from 'chai'

import {OpenConnections} from '../../src/cli/connections.js'
import {urlTarget} from '../../src/cli/target.js'
import {freePort} from '../support/postgres-server.js'
import {testPostgres} from '../support/global-hooks.js'

describe('connections opened ahead of the command asking for them', () => {
  it('hands the warmed database to the next connect, once, and closes everything at the end', async () => {
    const connections = new OpenConnections({})
    const target = urlTarget(testPostgres().url())
    connections.warm(target)
    const first = await connections.connect(target)
    const second = await connections.connect(target)
    expect(first).to.not.equal(second)
    expect((await first.pool.query<{n: number}>('SELECT 1 AS n')).rows[0]!.n).to.equal(1)
    expect(connections.size).to.equal(2)
    await connections.closeAll()
    expect(connections.size).to.equal(0)
    expect(first.pool.ended).to.equal(true)
  })

  it('reports a warmed database that cannot be opened to the connect that takes it', async () => {
    const connections = new OpenConnections({})
    const target = urlTarget(`postgres://nobody:secret@127.0.0.1:${await freePort()}/none`)
    connections.warm(target)
    await new Promise(resolve => setTimeout(resolve, 200))
    const error = await connections.connect(target).then(
      () => undefined,
      (caught: Error) => caught,
    )
    expect(error?.message).to.match(/Could not connect to 127\.0\.0\.1:\d+\/none/)
    await connections.closeAll()
  })

  it('drops a warmed database nobody took, whether it opened or not', async () => {
    const connections = new OpenConnections({})
    const opened = urlTarget(testPostgres().url())
    connections.warm(opened)
    connections.warm(urlTarget(`postgres://nobody:secret@127.0.0.1:${await freePort()}/none`))
    await connections.closeAll()
    expect(connections.size).to.equal(0)
    const later = await connections.connect(opened)
    expect(connections.size).to.equal(1)
    await later.close()
  })
})

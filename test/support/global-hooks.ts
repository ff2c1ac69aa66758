import * as chai from 'chai'
import chaiAsPromised from 'chai-as-promised'

import {PostgresServer, startPostgres} from './postgres-server.js'

chai.use(chaiAsPromised)

let server: PostgresServer | undefined

/** One PostgreSQL for the whole run; each test file makes its own databases on it. */
export async function mochaGlobalSetup(): Promise<void> {
  const prefer = process.env.HEROKU_PRIVACY_TEST_POSTGRES
  server = await startPostgres(prefer === 'embedded' || prefer === 'system' ? prefer : undefined)
  process.stderr.write(`test PostgreSQL ${server.majorVersion} (${server.kind}) on port ${server.port}\n`)
}

export async function mochaGlobalTeardown(): Promise<void> {
  await server?.stop()
}

export function testPostgres(): PostgresServer {
  if (!server) throw new Error('The test PostgreSQL is not running; run tests through mocha with .mocharc.json.')
  return server
}

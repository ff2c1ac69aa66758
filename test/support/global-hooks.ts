import * as chai from 'chai'
import chaiAsPromised from 'chai-as-promised'

import {PostgresServer, startPostgres} from './postgres-server.js'

chai.use(chaiAsPromised)

// Kept on globalThis: when a spec's import graph pulls in certain CommonJS-interop
// modules, the loader can evaluate this file twice (once for --require, once
// for the spec's import), and both copies must see the same server.
const shared = globalThis as {herokuPrivacyTestPostgres?: PostgresServer}

/** One PostgreSQL for the whole run; each test file makes its own databases on it. */
export async function mochaGlobalSetup(): Promise<void> {
  const prefer = process.env.HEROKU_PRIVACY_TEST_POSTGRES
  const server = await startPostgres(prefer === 'embedded' || prefer === 'system' ? prefer : undefined)
  shared.herokuPrivacyTestPostgres = server
  process.stderr.write(`test PostgreSQL ${server.majorVersion} (${server.kind}) on port ${server.port}\n`)
}

export async function mochaGlobalTeardown(): Promise<void> {
  await shared.herokuPrivacyTestPostgres?.stop()
}

export function testPostgres(): PostgresServer {
  const server = shared.herokuPrivacyTestPostgres
  if (!server) throw new Error('The test PostgreSQL is not running; run tests through mocha with .mocharc.json.')
  return server
}

import {randomBytes} from 'node:crypto'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'
import pg from 'pg'

import {linkDocumentChildren} from './fixture/documents-map.js'
import {FixtureOptions, loadFixture} from './fixture/generate.js'
import {testPostgres} from './global-hooks.js'
import {HerokuSimulator} from './heroku-sim/simulator.js'
import {World, seedWorld} from './heroku-sim/world.js'

import {withReviewedFacts} from './processing-facts.js'
import {runCli} from './processes.js'

export {BIN, PROJECT_ROOT, runCli, runProcess, type CliResult} from './processes.js'

export interface SimulatorContext {
  sim: HerokuSimulator
  world: World
  /** Environment for a command run against the simulator. */
  env: Record<string, string>
}

/** Starts a simulator with the standard world for the enclosing describe, and stops it afterwards. */
export function useSimulator(options: {fixtureUsers?: number} = {}): SimulatorContext {
  const context = {} as SimulatorContext
  before(async function () {
    this.timeout(120_000)
    context.sim = await HerokuSimulator.start(testPostgres())
    context.world = await seedWorld(context.sim, options)
    context.env = context.sim.cliEnv()
  })
  after(async () => {
    await context.sim?.stop()
  })
  return context
}

export interface TestDatabase {
  name: string
  url: string
  pool: pg.Pool
}

/** A fresh database on the test server for the enclosing describe: empty, or with the fixture loaded. */
export function useDatabase(fixture?: FixtureOptions): TestDatabase {
  const db = {} as TestDatabase
  before(async function () {
    this.timeout(180_000)
    const server = testPostgres()
    db.name = `t_${randomBytes(5).toString('hex')}`
    const admin = new pg.Client({connectionString: server.url()})
    await admin.connect()
    await admin.query(`CREATE DATABASE ${db.name}`)
    await admin.end()
    db.url = server.url(db.name)
    db.pool = new pg.Pool({connectionString: db.url, max: 4})
    if (fixture) {
      const client = await db.pool.connect()
      try {
        await loadFixture(client, fixture)
      } finally {
        client.release()
      }
    }
  })
  after(async () => {
    await db.pool?.end()
    const admin = new pg.Client({connectionString: testPostgres().url()})
    await admin.connect()
    // A closed pool's sockets may still be open on the server for a moment; forcing the drop then
    // kills them and the client reports it as an uncaught error, so wait for them to go first.
    for (let tries = 0; tries < 50; tries++) {
      const {rows} = await admin.query<{open: number}>('SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1', [db.name])
      if (rows[0]?.open === 0) break
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    await admin.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`)
    await admin.end()
  })
  return db
}

/**
 * Scans a database into a fresh privacy.yml (in its own temporary folder),
 * confirms its proposed references and replaces its processing placeholders
 * with reviewed facts, as a reviewer would before erasing.
 */
/**
 * Restricts one person through the CLI, as a DPO would, and fails the test
 * unless it succeeds. A legal hold (`legal-claim` with `hold`) takes no snapshot.
 */
export async function restrictForTest(db: TestDatabase, map: string, subject: string, reason: string, options: {hold?: boolean} = {}): Promise<void> {
  const hold = options.hold ? ['--legal-hold', '--snapshot', 'none'] : []
  const result = await runCli([
    'privacy:restrict',
    '--database-url',
    db.url,
    '--map',
    map,
    '--subject',
    subject,
    '--reason',
    reason,
    ...hold,
    '--actor',
    'dpo@example.com',
  ])
  expect(result.code, result.stderr).to.equal(0)
}

/** The scanned map of a database with the documents feature, its proposals confirmed and documents linked to their children. */
export async function writeDocumentsMap(url: string): Promise<{dir: string; map: string}> {
  const dir = await mkdtemp(join(tmpdir(), 'privacy-map-'))
  const map = join(dir, 'privacy.yml')
  const scan = await runCli(['privacy:scan', '--database-url', url, '--out', map])
  if (scan.code !== 0) throw new Error(`privacy:scan failed: ${scan.stderr}`)
  await writeFile(map, linkDocumentChildren((await readFile(map, 'utf8')).replace(/, proposed: true \}/g, ' }')))
  return {dir, map}
}

export async function writeReviewedMap(target: string[], env: Record<string, string> = {}): Promise<{dir: string; map: string}> {
  const dir = await mkdtemp(join(tmpdir(), 'privacy-map-'))
  const map = join(dir, 'privacy.yml')
  const scan = await runCli(['privacy:scan', ...target, '--out', map], env)
  if (scan.code !== 0) throw new Error(`privacy:scan failed: ${scan.stderr}`)
  await writeFile(map, withReviewedFacts((await readFile(map, 'utf8')).replace(/, proposed: true \}/g, ' }')))
  return {dir, map}
}

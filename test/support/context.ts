import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {fileURLToPath} from 'node:url'

import pg from 'pg'

import {testPostgres} from './global-hooks.js'
import {HerokuSimulator} from './heroku-sim/simulator.js'
import {World, seedWorld} from './heroku-sim/world.js'

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

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

/** A fresh, empty database on the test server for the enclosing describe. */
export function useDatabase(): TestDatabase {
  const db = {} as TestDatabase
  before(async () => {
    const server = testPostgres()
    db.name = `t_${randomBytes(5).toString('hex')}`
    const admin = new pg.Client({connectionString: server.url()})
    await admin.connect()
    await admin.query(`CREATE DATABASE ${db.name}`)
    await admin.end()
    db.url = server.url(db.name)
    db.pool = new pg.Pool({connectionString: db.url, max: 4})
  })
  after(async () => {
    await db.pool?.end()
    const admin = new pg.Client({connectionString: testPostgres().url()})
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`)
    await admin.end()
  })
  return db
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the plugin's standalone binary the way a user or a CI job would: no TTY, no stdin. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], env)
}

export function runProcess(command: string, args: string[], env: Record<string, string | undefined> = {}, cwd = PROJECT_ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => {
      stdout += chunk
    })
    child.stderr.on('data', chunk => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', code => resolve({code, stdout, stderr}))
  })
}

/** The parent's environment without anything that could point a command at a real Heroku account or database. */
function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(HEROKU_|DATABASE_URL$|PG[A-Z]+$)/.test(key)) continue
    env[key] = value
  }
  env.CI = 'true'
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  return env
}

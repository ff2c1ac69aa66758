import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {stat} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'

import pg from 'pg'

import type {PostgresServer} from '../postgres-server.js'
import type {SimDatabase} from './model.js'

const run = promisify(execFile)
const sleep = (ms: number) =>
  new Promise(resolve => {
    setTimeout(resolve, ms)
  })
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`

/**
 * The real work behind the simulated add-ons: databases, roles, dumps and
 * copies on the test harness's PostgreSQL server.
 */
export class PostgresOps {
  private readonly admin: pg.Pool

  constructor(
    readonly server: PostgresServer,
    readonly backupDir: string,
  ) {
    this.admin = new pg.Pool({connectionString: server.url('postgres'), max: 2})
    this.admin.on('error', () => {})
  }

  urlFor(db: Pick<SimDatabase, 'databaseName' | 'role' | 'password'>): string {
    return `postgres://${db.role}:${db.password}@${this.server.host}:${this.server.port}/${db.databaseName}`
  }

  async createDatabase(databaseName: string): Promise<SimDatabase> {
    const role = `u${randomBytes(6).toString('hex')}`
    const password = randomBytes(16).toString('hex')
    await this.admin.query(`CREATE ROLE ${ident(role)} LOGIN PASSWORD ${literal(password)}`)
    await this.admin.query(`CREATE DATABASE ${ident(databaseName)} OWNER ${ident(role)}`)
    return {databaseName, role, password, followerOf: null, forkedFrom: null, highAvailability: false, continuousProtection: false}
  }

  /** A follower here is a read-only login on the leader's own database: reads see the same data, writes fail. */
  async createFollower(leader: SimDatabase, leaderAddonId: string): Promise<SimDatabase> {
    const role = `f${randomBytes(6).toString('hex')}`
    const password = randomBytes(16).toString('hex')
    await this.admin.query(`CREATE ROLE ${ident(role)} LOGIN PASSWORD ${literal(password)}`)
    await this.admin.query(`ALTER ROLE ${ident(role)} SET default_transaction_read_only = on`)
    await this.admin.query(`GRANT ${ident(leader.role)} TO ${ident(role)}`)
    return {...leader, role, password, followerOf: leaderAddonId, forkedFrom: null}
  }

  /** A fork is a real copy. It keeps the leader's owner role: the copied objects belong to it. */
  async forkDatabase(source: SimDatabase, databaseName: string, sourceAddonId: string): Promise<SimDatabase> {
    await this.copyDatabase(source, databaseName)
    return {...source, databaseName, followerOf: null, forkedFrom: sourceAddonId}
  }

  /**
   * CREATE DATABASE … TEMPLATE needs the source free of other sessions for a
   * moment. Idle sessions (a client's pooled connections) are closed — pools
   * reconnect — while busy ones are waited for; after that, dump-and-restore
   * when this machine has a matching pg_dump.
   */
  async copyDatabase(source: SimDatabase, databaseName: string): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await this.admin.query(`CREATE DATABASE ${ident(databaseName)} TEMPLATE ${ident(source.databaseName)} OWNER ${ident(source.role)}`)
        return
      } catch (error) {
        if ((error as {code?: string}).code !== '55006') throw error
        await this.admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND state = 'idle' AND pid <> pg_backend_pid()", [
          source.databaseName,
        ])
        await sleep(200)
      }
    }
    if (!this.server.clientBinDir) throw new Error(`source database ${source.databaseName} stayed busy; could not copy it`)
    await this.admin.query(`CREATE DATABASE ${ident(databaseName)} OWNER ${ident(source.role)}`)
    const file = join(this.backupDir, `${databaseName}.dump`)
    await this.dump(source, file)
    await run(join(this.server.clientBinDir, 'pg_restore'), ['--no-owner', '--role', source.role, '-d', this.urlFor({...source, databaseName}), file])
  }

  async dump(db: SimDatabase, file: string): Promise<number> {
    if (!this.server.clientBinDir) throw new Error('no pg_dump for this server version')
    await run(join(this.server.clientBinDir, 'pg_dump'), ['-Fc', '-f', file, '-d', this.urlFor(db)], {maxBuffer: 16 * 1024 * 1024})
    return (await stat(file)).size
  }

  /** A restore replaces the target's contents with the backup's, as `heroku pg:backups:restore` does. */
  async restore(target: SimDatabase, backup: {file: string | null; copyDatabase: string | null}, sourceRole: string): Promise<void> {
    if (backup.file && this.server.clientBinDir) {
      await run(
        join(this.server.clientBinDir, 'pg_restore'),
        ['--clean', '--if-exists', '--no-owner', '--role', target.role, '-d', this.urlFor(target), backup.file],
        {maxBuffer: 16 * 1024 * 1024},
      )
      return
    }
    if (!backup.copyDatabase) throw new Error('the backup has no data to restore')
    await this.dropDatabase(target.databaseName)
    await this.copyDatabase({...target, databaseName: backup.copyDatabase}, target.databaseName)
    // The copied objects still belong to the backed-up database's role; let the target's role act as it.
    if (sourceRole !== target.role) await this.admin.query(`GRANT ${ident(sourceRole)} TO ${ident(target.role)}`)
  }

  async databaseFacts(db: SimDatabase): Promise<{bytes: number; tables: number; connections: number; version: string}> {
    const client = new pg.Client({connectionString: this.urlFor(db)})
    await client.connect()
    try {
      const {rows} = await client.query<{bytes: string; tables: string; connections: string; version: string}>(`
        SELECT pg_database_size(current_database()) AS bytes,
               (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')) AS tables,
               (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) AS connections,
               current_setting('server_version') AS version`)
      const row = rows[0]!
      return {bytes: Number(row.bytes), tables: Number(row.tables), connections: Number(row.connections), version: row.version.split(' ')[0]!}
    } finally {
      await client.end()
    }
  }

  async dropDatabase(databaseName: string): Promise<void> {
    await this.admin.query(`DROP DATABASE IF EXISTS ${ident(databaseName)} WITH (FORCE)`)
  }

  async close(): Promise<void> {
    await this.admin.end()
  }
}

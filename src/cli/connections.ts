import {ConnectionOptions, Database, DatabaseTarget, openDatabase} from '../lib/db/connection.js'

/**
 * The databases (and SSH tunnels) a command has open, so that every exit —
 * success, error, Ctrl-C — closes them all, and an error can tell whether a
 * tunnel dropped under it.
 */
export class OpenConnections {
  private readonly open = new Set<Database>()
  /** Databases being opened ahead of the command asking for them (see warm), each handed out once. */
  private readonly warming = new Map<DatabaseTarget, Promise<Database>>()
  /** A tunnel that closed on its own, remembered after its database is closed (a command's finally runs before its error is shown). */
  private dropped: {label: string; bastion: string; reason: string} | null = null

  constructor(private readonly defaults: ConnectionOptions) {}

  /**
   * Starts opening a database the command will connect to soon with default
   * options, so that it opens while the command waits on something else; the
   * next connect() to the same target takes it, failure included.
   */
  warm(target: DatabaseTarget): void {
    if (this.warming.has(target)) return
    const opening = this.openTracked(target, {})
    // A failure is the news of the connect() that takes it; one never taken is dropped with the rest.
    opening.catch(() => {})
    this.warming.set(target, opening)
  }

  async connect(target: DatabaseTarget, options: ConnectionOptions = {}): Promise<Database> {
    const warm = Object.keys(options).length === 0 ? this.warming.get(target) : undefined
    if (warm) {
      this.warming.delete(target)
      return warm
    }
    return this.openTracked(target, options)
  }

  private async openTracked(target: DatabaseTarget, options: ConnectionOptions): Promise<Database> {
    const db = await openDatabase(target, {...this.defaults, ...options})
    this.open.add(db)
    const close = db.close
    return Object.assign(db, {
      close: async () => {
        this.noteDrop(db)
        this.open.delete(db)
        await close()
      },
    })
  }

  private noteDrop(db: Database): void {
    const reason = db.tunnel?.droppedBecause()
    if (reason) this.dropped ??= {label: db.target.label, bastion: db.tunnel!.bastionHost, reason}
  }

  /** The first tunnel that closed on its own, with why. */
  droppedTunnel(): {label: string; bastion: string; reason: string} | null {
    for (const db of this.open) this.noteDrop(db)
    return this.dropped
  }

  get size(): number {
    return this.open.size
  }

  /**
   * Closes everything. On an interrupt the tunnels go first — that ends the
   * queries still running through them — and nothing waits more than a few
   * seconds for a database that no longer answers.
   */
  async closeAll(options: {interrupted?: boolean} = {}): Promise<void> {
    const warming = [...this.warming.values()]
    this.warming.clear()
    if (!options.interrupted) await Promise.allSettled(warming)
    const all = [...this.open]
    this.open.clear()
    if (options.interrupted) await Promise.allSettled(all.map(db => db.tunnel?.close()))
    const closing = Promise.allSettled(all.map(db => db.close()))
    await (options.interrupted
      ? Promise.race([
          closing,
          new Promise(resolve => {
            setTimeout(resolve, 3000).unref()
          }),
        ])
      : closing)
  }
}

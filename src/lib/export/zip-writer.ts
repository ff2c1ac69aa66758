import {once} from 'node:events'
import {Readable, Writable} from 'node:stream'
import * as zlib from 'node:zlib'

/** CRC-32 in JavaScript, for Node before 20.15 (which has no zlib.crc32). */
function crc32Fallback(data: Buffer, value: number): number {
  let crc = ~value >>> 0
  for (const byte of data) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

/** Node's own CRC-32 (C), where it has one. */
const crc32: (data: Buffer, value: number) => number = typeof zlib.crc32 === 'function' ? zlib.crc32 : crc32Fallback

const LOCAL_HEADER = 0x04034b50
const DATA_DESCRIPTOR = 0x08074b50
const CENTRAL_HEADER = 0x02014b50
const ZIP64_END = 0x06064b50
const ZIP64_LOCATOR = 0x07064b50
const END = 0x06054b50
/** Bit 3: sizes and CRC follow the data; bit 11: names are UTF-8. */
const FLAGS = (1 << 3) | (1 << 11)
const DEFLATE = 8
const VERSION_ZIP64 = 45
const VERSION_UTF8 = 20
/** Made by Unix (3), specification 6.3. */
const MADE_BY = (3 << 8) | 63
const MAX_32 = 0xffffffff
const MAX_16 = 0xffff
/** -rw-r--r-- regular file. */
const FILE_MODE = 0o100644

/** Where one entry's bytes lie in the output, local header to data descriptor, and what the central directory says of it. */
export interface Written {
  name: Buffer
  crc: number
  size: number
  compressedSize: number
  offset: number
  /** Just past its data descriptor. */
  end: number
  time: number
  date: number
}

/** Where an archive file's bytes go: an entry of the archive itself, or of a spool the archive copies it from later. */
export interface EntrySink {
  entry(name: string, options?: {level?: number}): Writable
}

function dosTime(date: Date): {time: number; date: number} {
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107)
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  }
}

/**
 * A zip archive written as a stream, one entry after another, each deflated
 * as it arrives: sizes and CRC-32 follow each entry's data (a data
 * descriptor), so no entry is ever held whole. Entries or offsets past 4 GiB,
 * and more than 65,535 entries, get ZIP64 records. The CRC is Node's native
 * one and deflate runs on libuv's thread pool, so the calling thread only
 * passes buffers along.
 */
export class ZipWriter implements EntrySink {
  private offset = 0
  private readonly entries: Written[] = []
  private open = false
  /** Fails the entry being written when the output fails (a full disk), rather than waiting on it forever. */
  private failEntry?: (error: Error) => void

  constructor(
    private readonly output: Writable,
    private readonly options: {mtime?: Date} = {},
  ) {
    output.once('error', error => this.failEntry?.(error))
  }

  /** Starts an entry; write its content to the stream returned and end it before starting the next. */
  entry(name: string, options: {level?: number} = {}): Writable {
    if (this.open) throw new Error('A zip entry is still being written.')
    this.open = true
    const {time, date} = dosTime(this.options.mtime ?? new Date())
    const entry: Written = {name: Buffer.from(name), crc: 0, size: 0, compressedSize: 0, offset: this.offset, end: 0, time, date}
    const header = Buffer.alloc(30)
    header.writeUInt32LE(LOCAL_HEADER, 0)
    header.writeUInt16LE(VERSION_UTF8, 4)
    header.writeUInt16LE(FLAGS, 6)
    header.writeUInt16LE(DEFLATE, 8)
    header.writeUInt16LE(time, 10)
    header.writeUInt16LE(date, 12)
    header.writeUInt16LE(entry.name.length, 26)
    const deflate = zlib.createDeflateRaw({level: options.level ?? 6})
    const forwarded = this.forward(deflate, entry)
    this.write(Buffer.concat([header, entry.name]))
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        entry.crc = crc32(chunk, entry.crc)
        entry.size += chunk.length
        if (deflate.write(chunk)) callback()
        else deflate.once('drain', callback)
      },
      final: callback => {
        deflate.end()
        forwarded.then(() => {
          this.write(this.dataDescriptor(entry))
          entry.end = this.offset
          this.entries.push(entry)
          this.open = false
          callback()
        }, callback)
      },
      destroy: (error, callback) => {
        deflate.destroy()
        callback(error)
      },
    })
    forwarded.catch(error => sink.destroy(error))
    return sink
  }

  /** A whole entry from memory. */
  async addBuffer(name: string, content: Buffer, options: {level?: number} = {}): Promise<void> {
    const sink = this.entry(name, options)
    sink.end(content)
    await once(sink, 'finish')
  }

  /** The entries written so far. */
  get written(): readonly Written[] {
    return this.entries
  }

  /**
   * Adds an entry another writer wrote ahead of its turn (into a spool):
   * its local header and deflated data are copied from `read(start, end)`
   * (end exclusive), and its data descriptor is written anew for where it
   * now lies, so the bytes are those `entry()` would have written.
   */
  async addWritten(spooled: Written, read: (start: number, end: number) => Readable): Promise<void> {
    if (this.open) throw new Error('A zip entry is still being written.')
    this.open = true
    const entry: Written = {...spooled, offset: this.offset}
    const dataEnd = spooled.end - this.dataDescriptor(spooled).length
    for await (const chunk of read(spooled.offset, dataEnd)) {
      if (!this.write(chunk as Buffer)) await once(this.output, 'drain')
    }
    if (this.offset - entry.offset !== dataEnd - spooled.offset) throw new Error(`The spool ended inside ${entry.name.toString()}.`)
    this.write(this.dataDescriptor(entry))
    entry.end = this.offset
    this.entries.push(entry)
    this.open = false
  }

  /** Writes the central directory and ends the output; resolves when the output has flushed. */
  async finish(): Promise<void> {
    if (this.open) throw new Error('A zip entry is still being written.')
    const start = this.offset
    for (const entry of this.entries) this.write(this.centralHeader(entry))
    const size = this.offset - start
    const zip64 = this.entries.length > MAX_16 || start > MAX_32 || size > MAX_32
    if (zip64) {
      const end64At = this.offset
      const end64 = Buffer.alloc(56)
      end64.writeUInt32LE(ZIP64_END, 0)
      end64.writeBigUInt64LE(44n, 4)
      end64.writeUInt16LE(MADE_BY, 12)
      end64.writeUInt16LE(VERSION_ZIP64, 14)
      end64.writeBigUInt64LE(BigInt(this.entries.length), 24)
      end64.writeBigUInt64LE(BigInt(this.entries.length), 32)
      end64.writeBigUInt64LE(BigInt(size), 40)
      end64.writeBigUInt64LE(BigInt(start), 48)
      const locator = Buffer.alloc(20)
      locator.writeUInt32LE(ZIP64_LOCATOR, 0)
      locator.writeBigUInt64LE(BigInt(end64At), 8)
      locator.writeUInt32LE(1, 16)
      this.write(Buffer.concat([end64, locator]))
    }
    const end = Buffer.alloc(22)
    end.writeUInt32LE(END, 0)
    end.writeUInt16LE(Math.min(this.entries.length, MAX_16), 8)
    end.writeUInt16LE(Math.min(this.entries.length, MAX_16), 10)
    end.writeUInt32LE(Math.min(size, MAX_32), 12)
    end.writeUInt32LE(Math.min(start, MAX_32), 16)
    const finished = once(this.output, 'finish')
    this.output.end(end)
    await finished
  }

  private write(buffer: Buffer): boolean {
    this.offset += buffer.length
    return this.output.write(buffer)
  }

  /** Hands deflated data to the output as it comes, pausing while the output is full. */
  private forward(deflate: zlib.DeflateRaw, entry: Written): Promise<void> {
    return new Promise((resolve, reject) => {
      deflate.on('data', (data: Buffer) => {
        entry.compressedSize += data.length
        if (!this.write(data)) {
          deflate.pause()
          this.output.once('drain', () => deflate.resume())
        }
      })
      deflate.once('end', resolve)
      deflate.once('error', reject)
      this.failEntry = reject
    })
  }

  private static isZip64(entry: Written): boolean {
    return entry.size > MAX_32 - 1 || entry.compressedSize > MAX_32 - 1 || entry.offset > MAX_32 - 1
  }

  private dataDescriptor(entry: Written): Buffer {
    if (!ZipWriter.isZip64(entry)) {
      const descriptor = Buffer.alloc(16)
      descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0)
      descriptor.writeUInt32LE(entry.crc, 4)
      descriptor.writeUInt32LE(entry.compressedSize, 8)
      descriptor.writeUInt32LE(entry.size, 12)
      return descriptor
    }
    const descriptor = Buffer.alloc(24)
    descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0)
    descriptor.writeUInt32LE(entry.crc, 4)
    descriptor.writeBigUInt64LE(BigInt(entry.compressedSize), 8)
    descriptor.writeBigUInt64LE(BigInt(entry.size), 16)
    return descriptor
  }

  private centralHeader(entry: Written): Buffer {
    const zip64 = ZipWriter.isZip64(entry)
    const extra = zip64 ? Buffer.alloc(28) : Buffer.alloc(0)
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0)
      extra.writeUInt16LE(24, 2)
      extra.writeBigUInt64LE(BigInt(entry.size), 4)
      extra.writeBigUInt64LE(BigInt(entry.compressedSize), 12)
      extra.writeBigUInt64LE(BigInt(entry.offset), 20)
    }
    const header = Buffer.alloc(46)
    header.writeUInt32LE(CENTRAL_HEADER, 0)
    header.writeUInt16LE(MADE_BY, 4)
    header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_UTF8, 6)
    header.writeUInt16LE(FLAGS, 8)
    header.writeUInt16LE(DEFLATE, 10)
    header.writeUInt16LE(entry.time, 12)
    header.writeUInt16LE(entry.date, 14)
    header.writeUInt32LE(entry.crc, 16)
    header.writeUInt32LE(zip64 ? MAX_32 : entry.compressedSize, 20)
    header.writeUInt32LE(zip64 ? MAX_32 : entry.size, 24)
    header.writeUInt16LE(entry.name.length, 28)
    header.writeUInt16LE(extra.length, 30)
    header.writeUInt32LE((FILE_MODE << 16) >>> 0, 38)
    header.writeUInt32LE(zip64 ? MAX_32 : entry.offset, 42)
    return Buffer.concat([header, entry.name, extra])
  }
}

import {once} from 'node:events'
import type {Readable} from 'node:stream'
import {finished} from 'node:stream/promises'

/**
 * Reads an object-mode stream a buffered batch at a time rather than an item
 * at a time, so per-row work can be done on arrays (one join, one write) and
 * no promise is made per row.
 */
export async function* inBatches<T>(stream: Readable): AsyncGenerator<T[]> {
  const ended = finished(stream)
  ended.catch(() => {})
  for (;;) {
    const batch: T[] = []
    for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) batch.push(item)
    if (batch.length > 0) {
      yield batch
      continue
    }
    if (stream.readableEnded || stream.destroyed) break
    await Promise.race([once(stream, 'readable'), ended])
  }
  await ended
}

import {Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import type pg from 'pg'
import {to as copyTo} from 'pg-copy-streams'

/** What a `COPY … TO STDOUT` statement writes, as text. */
export async function copyOut(client: pg.ClientBase, statement: string): Promise<string> {
  const chunks: Buffer[] = []
  await pipeline(
    client.query(copyTo(statement)),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk)
        callback()
      },
    }),
  )
  return Buffer.concat(chunks).toString('utf8')
}

import {createReadStream, createWriteStream} from 'node:fs'
import {Readable, Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {PrivacyError} from '../errors.js'

export function assertAgeRecipient(recipient: string): void {
  if (!/^age1[0-9a-z]{20,}$/.test(recipient)) {
    throw new PrivacyError('The recipient must be an age public key (starting with age1…). Make one with `age-keygen`.', {code: 'invalid_recipient'})
  }
}

/** Encrypts a file to an age recipient (age1…), streaming, so the archive never sits whole in memory. */
export async function encryptFile(from: string, to: string, recipient: string): Promise<void> {
  assertAgeRecipient(recipient)
  const {Encrypter} = await import('age-encryption')
  const encrypter = new Encrypter()
  encrypter.addRecipient(recipient)
  const plain = Readable.toWeb(createReadStream(from)) as ReadableStream<Uint8Array>
  const encrypted = await encrypter.encrypt(plain)
  await pipeline(Readable.fromWeb(encrypted as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(to, {flags: 'wx'}) as Writable)
}

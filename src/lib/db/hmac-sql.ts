import {createHash} from 'node:crypto'

/** The two padded keys of HMAC-SHA256: K ^ opad and K ^ ipad, each one 64-byte block. */
export function hmacPads(key: Buffer): {outer: Buffer; inner: Buffer} {
  const block = Buffer.alloc(64)
  ;(key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block)
  return {outer: Buffer.from(block.map(b => b ^ 0x5c)), inner: Buffer.from(block.map(b => b ^ 0x36))}
}

/** HMAC-SHA256 as hex, given SQL for the padded keys (bytea) and the message (bytea). */
export function hmacSha256HexWithPadsSql(message: string, pads: {outer: string; inner: string}): string {
  return `encode(sha256(${pads.outer} || sha256(${pads.inner} || ${message})), 'hex')`
}

/**
 * HMAC-SHA256 as a SQL expression over the built-in sha256() (PostgreSQL 11+,
 * no extension), so it runs set-based inside the database:
 * H((K ^ opad) || H((K ^ ipad) || message)), as hex. `message` is a bytea
 * expression; `param` binds a value and returns its placeholder, so the key
 * never appears in the SQL text.
 */
export function hmacSha256HexSql(message: string, key: Buffer, param: (value: unknown) => string): string {
  const {outer, inner} = hmacPads(key)
  return hmacSha256HexWithPadsSql(message, {outer: `${param(outer)}::bytea`, inner: `${param(inner)}::bytea`})
}

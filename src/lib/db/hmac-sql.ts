import {createHash} from 'node:crypto'

/**
 * HMAC-SHA256 as a SQL expression over the built-in sha256() (PostgreSQL 11+,
 * no extension), so it runs set-based inside the database:
 * H((K ^ opad) || H((K ^ ipad) || message)), as hex. `message` is a bytea
 * expression; `param` binds a value and returns its placeholder, so the key
 * never appears in the SQL text.
 */
export function hmacSha256HexSql(message: string, key: Buffer, param: (value: unknown) => string): string {
  const block = Buffer.alloc(64)
  ;(key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block)
  const inner = Buffer.from(block.map(b => b ^ 0x36))
  const outer = Buffer.from(block.map(b => b ^ 0x5c))
  return `encode(sha256(${param(outer)}::bytea || sha256(${param(inner)}::bytea || ${message})), 'hex')`
}

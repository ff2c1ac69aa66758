/**
 * Deterministic randomness for the corpus generator: every value is drawn
 * from a generator seeded by the run's seed and the value's place (table,
 * row, column), so a change elsewhere in a schema leaves the other values as
 * they were.
 */
export type Random = () => number

/** FNV-1a over the parts, as a 32-bit seed. */
export function hashSeed(...parts: Array<string | number>): number {
  let hash = 0x811c9dc5
  for (const char of parts.join('\u0000')) {
    hash ^= char.charCodeAt(0)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** mulberry32: small, fast and good enough for test data. */
export function randomFrom(...parts: Array<string | number>): Random {
  let state = hashSeed(...parts)
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!

export const int = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1))

export const chance = (random: Random, probability: number): boolean => random() < probability

const ALPHABETS = {
  hex: '0123456789abcdef',
  base32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  base62: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  base64url: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_',
  base64: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/',
  bcrypt: './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  digits: '0123456789',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  alnum: '0123456789abcdefghijklmnopqrstuvwxyz',
} as const

export function chars(random: Random, alphabet: keyof typeof ALPHABETS, length: number): string {
  const set = ALPHABETS[alphabet]
  let out = ''
  for (let i = 0; i < length; i++) out += set[Math.floor(random() * set.length)]
  return out
}

export function uuid(random: Random): string {
  const hex = chars(random, 'hex', 32).split('')
  hex[12] = '4'
  hex[16] = '89ab'[Math.floor(random() * 4)]!
  const s = hex.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
}

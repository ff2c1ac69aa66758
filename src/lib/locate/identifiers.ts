import {isIP} from 'node:net'

import type {Category} from '../datamap/schema.js'
import {REPLACEMENT_TEXT_PATTERN} from '../erase/strategies.js'
import {isCardNumber, isEmail, isIban} from '../scan/validators.js'

export type IdentifierKind = 'email' | 'phone' | 'name' | 'ip' | 'government_id' | 'financial' | 'external_id'

/**
 * A value that picks out one person wherever it is written, in a normal form:
 * emails and names in lower case, phones as their digits (with `+` when
 * international), IPs in their canonical spelling, government and financial
 * numbers as their letters and digits. Held in memory only, never printed.
 */
export interface Identifier {
  kind: IdentifierKind
  value: string
}

/** A value read from a person's row, with the data-map category of its column (none for a lookup of unknown column). */
export interface CategorisedValue {
  value: string
  category?: Category
}

/** The data map's categories whose values can name a person somewhere else. */
export const IDENTIFYING_CATEGORIES: ReadonlySet<Category> = new Set(['identity', 'contact', 'online_id', 'government_id', 'financial'])

/** Values that stand for nobody in particular: placeholders people type, and generic erasures. */
const PLACEHOLDERS = new Set([
  'true',
  'false',
  'null',
  'none',
  'undefined',
  'unknown',
  'anonymous',
  'deleted',
  'deleted user',
  'redacted',
  '[erased]',
  'john doe',
  'jane doe',
  'test user',
  'example',
  'first last',
  'firstname lastname',
  'not available',
])
/** What this tool's own erasure writes (redact and fake), matched against the lower-cased value. */
const REPLACEMENT_TEXT = new RegExp(REPLACEMENT_TEXT_PATTERN)
const MAX_LENGTH = 320
const NAME = /^\p{L}[\p{L}\p{M}'’.-]*(?: \p{L}[\p{L}\p{M}'’.-]*)*$/u
const PHONE = /^(?:\+|\(\+?)?\d[\d ().\/-]*\d$/
const DATE = /^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}(?:[ T][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/
const LOCAL_IPS = new Set(['127.0.0.1', '0.0.0.0', '::1', '::'])

/** The identifier a value stands for, or nothing when the value is too short or too common to pick out one person. */
export function identifierOf(raw: string, category?: Category): Identifier | undefined {
  if (category !== undefined && !IDENTIFYING_CATEGORIES.has(category)) return undefined
  const text = raw.normalize('NFC').trim().replace(/\s+/g, ' ')
  const lower = text.toLowerCase()
  if (text.length < 5 || text.length > MAX_LENGTH || PLACEHOLDERS.has(lower) || lower.startsWith('redacted') || REPLACEMENT_TEXT.test(lower)) return undefined
  if (isEmail(text)) return lower.endsWith('.invalid') ? undefined : {kind: 'email', value: lower}
  const ip = canonicalIp(text)
  if (ip !== undefined) return LOCAL_IPS.has(ip) ? undefined : {kind: 'ip', value: ip}
  if (isCardNumber(text) || isIban(text)) return {kind: 'financial', value: compact(text)}
  if (category === 'financial' || category === 'government_id') return distinctiveNumber(category, text)
  if (DATE.test(text)) return undefined
  if (PHONE.test(text) && category !== 'online_id') return phoneIdentifier(text)
  if (NAME.test(text)) return distinctiveName(lower)
  if (!text.includes(' ')) return distinctiveToken(text)
  return undefined
}

/**
 * The distinct identifiers among a person's values, longest first. Values
 * that only look like one person's (a first name alone, "1", "true", "US")
 * are dropped: searching for them would find everyone else.
 */
export function distinctiveIdentifiers(values: Iterable<CategorisedValue>): Identifier[] {
  const found = new Map<string, Identifier>()
  for (const {value, category} of values) {
    const identifier = identifierOf(value, category)
    if (identifier) found.set(`${identifier.kind}\0${identifier.value}`, identifier)
  }
  return [...found.values()].sort((a, b) => b.value.length - a.value.length || a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value))
}

function canonicalIp(text: string): string | undefined {
  const address = text.replace(/\/(?:32|128)$/, '')
  const version = isIP(address)
  if (version === 4) return address
  // The URL parser writes an IPv6 address in its one canonical form (lower case, longest zero run compressed).
  if (version === 6) return new URL(`http://[${address}]/`).hostname.slice(1, -1)
  return undefined
}

const compact = (text: string) => text.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase()

/** Government and account numbers: six or more letters and digits, at least one a digit, written with any separators. */
function distinctiveNumber(kind: 'financial' | 'government_id', text: string): Identifier | undefined {
  const value = compact(text)
  if (value.length < 6 || !/\d/.test(value) || /^(.)\1+$/.test(value)) return undefined
  return {kind, value}
}

/** Phones of eight to fifteen digits; shorter local numbers belong to many people across area codes. */
function phoneIdentifier(text: string): Identifier | undefined {
  const digits = text.replace(/\D/g, '')
  if (digits.length < 8 || digits.length > 15 || /^(\d)\1+$/.test(digits)) return undefined
  const international = text.startsWith('+') || text.startsWith('(+')
  if (international) return {kind: 'phone', value: `+${digits}`}
  if (digits.startsWith('00')) return digits.length >= 10 ? {kind: 'phone', value: `+${digits.slice(2)}`} : undefined
  return {kind: 'phone', value: digits}
}

/**
 * Names of two or more words (at least five characters), or one long word:
 * "Alice Example" and "Maximiliane", but not "Alice" or "Schmidt" alone,
 * which other people share.
 */
function distinctiveName(lower: string): Identifier | undefined {
  const words = lower.split(' ')
  if (words.length >= 2 ? lower.length >= 5 : lower.length >= 10) return {kind: 'name', value: lower}
  return undefined
}

/**
 * User names and external account ids: five or more characters with a
 * digit or symbol (alice_w, cus_9f8e7d), or ten letters; numbers alone need
 * eight digits, because shorter ones are counts, prices and other rows' ids.
 */
function distinctiveToken(text: string): Identifier | undefined {
  if (/^(.)\1+$/.test(text)) return undefined
  if (/^\d+$/.test(text)) return text.length >= 8 ? {kind: 'external_id', value: text} : undefined
  if (text.length >= 10 || /[^\p{L}]/u.test(text)) return {kind: 'external_id', value: text.toLowerCase()}
  return undefined
}

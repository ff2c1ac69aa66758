import type {Identifier} from './identifiers.js'

/**
 * How identifiers are looked for in Postgres, for text that has been put
 * through `lower()`: `likes` is a cheap prefilter (`t LIKE ANY(likes)`) that
 * every match passes, `regexes` the exact whole-token test (`t ~* ANY(regexes)`).
 * Both go in as bound parameters; nothing here is ever concatenated into SQL.
 */
export interface SearchPatterns {
  likes: string[]
  regexes: string[]
}

/** Alternatives per regular expression: Postgres compiles each once per statement, and refuses very large ones. */
const ALTERNATIVES_PER_REGEX = 40

/** Where a token may not start or end: inside a longer email, name, user name, number or address. */
const TOKEN_BEFORE = '(?<![[:alnum:]_.@+%-])'
const TOKEN_AFTER = '(?![[:alnum:]_@%-])(?!\\.[[:alnum:]])'
const NUMBER_BEFORE = '(?<![[:alnum:]_+])'
const NUMBER_AFTER = '(?![[:alnum:]_])(?![-.][[:alnum:]])'
/** Between the words of a name: spaces, or the `%20`/`+` of a URL. */
const WORD_GAP = '(?:[[:space:]]+|%20|[+])'
/** Between the digits of a written phone number: `+44 (0)20 7946-0958`. */
const DIGIT_GAP = '[-. ()/]{0,2}'
/** Inside the last four digits or letters at most one separator, so that the prefilter can name them. */
const TAIL_GAP = '[-. /]'

export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, c => `\\${c}`)
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`)
}

/** A non-ASCII value as an ASCII-only JSON encoder writes it: `Zoë` → `zo\u00eb`. */
function jsonAscii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A value as it can be written: as is, JSON-escaped, ASCII-escaped, percent-encoded, decomposed. */
function spellings(value: string): string[] {
  const escaped = JSON.stringify(value).slice(1, -1)
  return [...new Set([value, escaped, jsonAscii(escaped), encodeURIComponent(value).toLowerCase(), value.normalize('NFD')])]
}

/** The digits of a phone without country code and trunk prefix, for each length the country code may have. */
function nationalNumbers(phone: string): string[] {
  const digits = phone.replace(/\D/g, '')
  // Stored without `+` but with a country code: 442079460958.
  const international = phone.startsWith('+') || (!digits.startsWith('0') && digits.length >= 11)
  const candidates = new Set<string>()
  if (!phone.startsWith('+')) candidates.add(digits.startsWith('0') ? digits.slice(1) : digits)
  if (international) for (const cc of [1, 2, 3]) candidates.add(digits.slice(cc))
  return [...candidates].filter(n => n.length >= 8 || (n.length >= 7 && n === digits.slice(1))).filter(n => !n.startsWith('0'))
}

/** Characters one after another with a gap between each, the last four with at most one separator. */
function spaced(chars: string, gap: string): string {
  const head = [...chars.slice(0, -4)].map(escapeRegex)
  const tail = [...chars.slice(-4)].map(escapeRegex)
  const tails = [tail.join(''), ...[1, 2, 3].map(at => `${tail.slice(0, at).join('')}${TAIL_GAP}${tail.slice(at).join('')}`)]
  return `${head.map(c => `${c}${gap}`).join('')}(?:${tails.join('|')})`
}

/** LIKE patterns for the last four characters: together, or with one separator anywhere among them. */
function tailLikes(chars: string): string[] {
  const tail = escapeLike(chars.slice(-4).toLowerCase())
  return [`%${tail}%`, ...[1, 2, 3].map(at => `%${tail.slice(0, at)}_${tail.slice(at)}%`)]
}

/** The letters and digits of a spelling, in order, with anything between: one LIKE pattern that its spacings pass. */
function orderedLike(spelling: string): string {
  const runs = spelling.toLowerCase().match(/[\p{L}\p{N}]+/gu)
  return runs ? `%${runs.map(escapeLike).join('%')}%` : `%${escapeLike(spelling.toLowerCase())}%`
}

/** Whether a LIKE pattern (only `%` wildcards, `\` escapes) matches a text, to skip patterns another already covers. */
function likeCovers(pattern: string, text: string): boolean {
  const parts = pattern.split(/(?<!\\)%/).map(part => part.replace(/\\(.)/g, '$1').replace(/[\\^$.|?*+()[\]{}]/g, c => `\\${c}`))
  return new RegExp(`^${parts.join('.*')}$`, 's').test(text)
}

/** One LIKE pattern per spelling, leaving out spellings an earlier pattern already passes (percent-encoding, mostly). */
function likesFor(forms: string[]): string[] {
  const likes: string[] = []
  for (const form of forms) if (!likes.some(like => likeCovers(like, form.toLowerCase()))) likes.push(orderedLike(form))
  return likes
}

interface Matcher {
  likes: string[]
  alternative: string
}

function matcher(identifier: Identifier): Matcher {
  const value = identifier.value.toLowerCase()
  switch (identifier.kind) {
    case 'phone': {
      const nationals = nationalNumbers(value)
      const prefix = `(?:(?:[+]|00)[0-9]{1,3}${DIGIT_GAP})?(?:0[)]?${DIGIT_GAP})?`
      const whole = value.replace(/\D/g, '')
      const forms = [`[+]?${spaced(whole, DIGIT_GAP)}`, ...nationals.map(n => `${prefix}${spaced(n, DIGIT_GAP)}`)]
      return {likes: tailLikes(whole), alternative: `${NUMBER_BEFORE}(?:${forms.join('|')})${NUMBER_AFTER}`}
    }
    case 'financial':
    case 'government_id':
      return {likes: tailLikes(value), alternative: `${NUMBER_BEFORE}(?:${spaced(value, `${TAIL_GAP}?`)})${NUMBER_AFTER}`}
    case 'name': {
      const forms = spellings(value).map(s => s.split(/ |%20/).map(escapeRegex).join(WORD_GAP))
      return {likes: likesFor(spellings(value)), alternative: `${TOKEN_BEFORE}(?:${[...new Set(forms)].join('|')})${TOKEN_AFTER}`}
    }
    case 'ip':
      return {likes: [`%${escapeLike(value)}%`], alternative: `${TOKEN_BEFORE}${escapeRegex(value)}${TOKEN_AFTER}`}
    default: {
      const forms = spellings(value)
      return {likes: likesFor(forms), alternative: `${TOKEN_BEFORE}(?:${forms.map(escapeRegex).join('|')})${TOKEN_AFTER}`}
    }
  }
}

/**
 * The patterns for a set of identifiers. A match is a whole token:
 * alice@example.com in "call alice@example.com." but not in
 * "malice@example.com"; 10.0.0.1 but not 10.0.0.12; +44 20 7946 0958 also
 * as 020 7946 0958 or 00442079460958.
 */
export function searchPatterns(identifiers: Identifier[]): SearchPatterns {
  const matchers = identifiers.map(matcher)
  const regexes: string[] = []
  for (let i = 0; i < matchers.length; i += ALTERNATIVES_PER_REGEX) {
    regexes.push(
      matchers
        .slice(i, i + ALTERNATIVES_PER_REGEX)
        .map(m => m.alternative)
        .join('|'),
    )
  }
  return {likes: [...new Set(matchers.flatMap(m => m.likes))], regexes}
}

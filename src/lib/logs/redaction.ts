import {didYouMean} from '../datamap/suggest.js'
import {usageError} from '../errors.js'

/** What replaces a redacted match in a stored log line. */
export const REDACTED = '[redacted]'

/** Named patterns for what log lines most often leak; anything else given to --redact is a regular expression. */
export const REDACTION_PRESETS: Record<string, RegExp> = {
  email: /[\w.%+-]+@[\w-]+(?:\.[\w-]+)+/g,
  ip: /\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}\b/gi,
  card: /\b(?:\d[ -]?){12,18}\d\b/g,
  password: /\b(password|passwd|pwd|secret|token|api_key)=[^\s&]+/gi,
  bearer: /\b(Bearer|Basic)\s+[\w\-.~+/=]+/g,
}

export interface Redactor {
  patterns: string[]
  /** What is applied, in order, as the start-up banner says it: `password (preset)`, `/session=\w+/ (pattern)`. */
  applied: string[]
  apply(message: string): string
}

const OPENERS: Record<string, string> = {'(': ')', '[': ']', '{': '}'}

/**
 * The --redact values (repeated flags, or the comma-separated environment
 * variable) as one list: each value is split at commas, except a comma inside
 * (), [] or {} or escaped as \, which belongs to its pattern (`\d{1,3}`).
 */
export function redactionList(values: string[]): string[] {
  const items: string[] = []
  for (const value of values) {
    let current = ''
    const open: string[] = []
    for (let i = 0; i < value.length; i++) {
      const char = value[i]!
      if (char === '\\' && i + 1 < value.length) {
        current += char + value[++i]
        continue
      }
      if (OPENERS[char] && open.at(-1) !== ']') open.push(OPENERS[char]!)
      else if (char === open.at(-1)) open.pop()
      if (char === ',' && open.length === 0) {
        items.push(current)
        current = ''
      } else {
        current += char
      }
    }
    items.push(current)
  }
  return [...new Set(items.map(item => item.trim()).filter(Boolean))]
}

/** Builds the redactor for --redact values: preset names or regular expressions; a bad one is refused before anything starts. */
export function redactorFor(patterns: string[]): Redactor {
  const presets = Object.keys(REDACTION_PRESETS)
  const compiled = patterns.map(pattern => {
    const preset = REDACTION_PRESETS[pattern]
    if (preset) return {pattern, regex: preset, keepName: pattern === 'password' || pattern === 'bearer', label: `${pattern} (preset)`}
    // A bare word is almost always a mistyped preset, never a pattern worth storing lines unredacted for.
    if (/^[A-Za-z][\w-]*$/.test(pattern)) {
      throw usageError(
        `--redact ${pattern} is not a preset${didYouMean(pattern, presets)} (presets: ${presets.join(', ')}); to remove that word as text, give a pattern such as \\b${pattern}\\b.`,
      )
    }
    try {
      return {pattern, regex: new RegExp(pattern, 'g'), keepName: false, label: `/${pattern}/ (pattern)`}
    } catch (error) {
      throw usageError(
        `--redact ${JSON.stringify(pattern)} is not a regular expression (${(error as Error).message}); use one of ${presets.join(', ')} or a valid pattern.`,
      )
    }
  })
  return {
    patterns,
    applied: compiled.map(c => c.label),
    apply(message) {
      let out = message
      for (const {regex, keepName} of compiled) {
        out = out.replace(regex, (match: string, name: unknown) =>
          keepName && typeof name === 'string' ? `${name}${match.startsWith(`${name}=`) ? '=' : ' '}${REDACTED}` : REDACTED,
        )
      }
      return out
    },
  }
}

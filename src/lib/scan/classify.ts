import type {Category} from '../datamap/schema.js'
import type {ColumnInfo} from '../db/introspect.js'
import {hintFromJsonKey, hintFromName} from './name-patterns.js'
import {containsEmail, containsPhone, isBirthDate, isCardNumber, isEmail, isIban, isIpAddress, isPhone, isPostcode, isUsSsn} from './validators.js'

export interface ColumnFinding {
  column: string
  category: Category
  confidence: number
  evidence: string[]
  /** JSON keys that look personal, for json/jsonb columns. */
  jsonKeys?: string[]
  /** The values look like email addresses (used to find implicit references). */
  holdsEmails?: boolean
}

interface Signal {
  category: Exclude<Category, 'none'>
  confidence: number
  evidence: string
}

const VALUE_CHECKS: Array<{category: Exclude<Category, 'none'>; label: string; test: (v: string) => boolean; weight: number}> = [
  {category: 'contact', label: 'email addresses', test: isEmail, weight: 1},
  {category: 'financial', label: 'card numbers (Luhn)', test: isCardNumber, weight: 1},
  {category: 'financial', label: 'IBANs (mod-97)', test: isIban, weight: 1},
  {category: 'government_id', label: 'US SSNs', test: isUsSsn, weight: 1},
  {category: 'online_id', label: 'IP addresses', test: isIpAddress, weight: 1},
  {category: 'contact', label: 'phone numbers', test: isPhone, weight: 0.9},
  {category: 'location', label: 'postcodes', test: isPostcode, weight: 0.6},
]

function strength(fraction: number, weight: number): number {
  if (fraction >= 0.8) return 0.9 * weight
  if (fraction >= 0.3) return 0.6 * weight
  return 0
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`

function collectJson(value: unknown, keys: Set<string>, strings: string[], depth = 0): void {
  if (depth > 6 || value === null) return
  if (typeof value === 'string') strings.push(value)
  else if (Array.isArray(value)) for (const item of value) collectJson(item, keys, strings, depth + 1)
  else if (typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      keys.add(key)
      collectJson(inner, keys, strings, depth + 1)
    }
  }
}

function valueSignals(strings: string[], column: ColumnInfo, today: Date): Signal[] {
  const signals: Signal[] = []
  const short = strings.filter(s => s.length > 0 && s.length <= 200)
  if (short.length > 0) {
    for (const check of VALUE_CHECKS) {
      const fraction = short.filter(s => check.test(s)).length / short.length
      const confidence = strength(fraction, check.weight)
      if (confidence > 0) signals.push({category: check.category, confidence, evidence: `${percent(fraction)} of ${short.length} sampled values are ${check.label}`})
    }
    if (column.baseType === 'date') {
      const fraction = short.filter(s => isBirthDate(s, today)).length / short.length
      if (fraction >= 0.95) signals.push({category: 'identity', confidence: 0.45, evidence: `${percent(fraction)} of sampled dates are plausible birth dates`})
    }
  }
  const long = strings.filter(s => s.length > 20 && /\s/.test(s))
  if (long.length > 0) {
    const withContact = long.filter(s => containsEmail(s) || containsPhone(s)).length
    if (withContact > 0) signals.push({category: 'free_text', confidence: withContact / long.length >= 0.1 ? 0.8 : 0.5, evidence: `${withContact} of ${long.length} sampled texts contain an email address or phone number`})
  }
  return signals
}

/**
 * Decides what a column holds from its name, its type and a sample of its
 * values. Each piece of evidence raises the confidence of one category; the
 * strongest category above 0.5 wins, else the column is `none`.
 */
export function classifyColumn(column: ColumnInfo, values: unknown[] | undefined, context: {today: Date; isKey: boolean}): ColumnFinding {
  if (context.isKey) return {column: column.name, category: 'none', confidence: 1, evidence: ['key column']}
  const signals: Signal[] = []
  const name = hintFromName(column.name)
  if (name) signals.push(name)
  if (column.baseType === 'inet' || column.baseType === 'cidr' || column.baseType === 'macaddr') {
    signals.push({category: 'online_id', confidence: 0.85, evidence: `type ${column.type}`})
  }
  let jsonKeys: string[] | undefined
  const strings: string[] = []
  if (values && values.length > 0) {
    if (column.baseType === 'json' || column.baseType === 'jsonb' || column.isArray) {
      const keys = new Set<string>()
      for (const value of values) collectJson(value, keys, strings)
      const hinted = [...keys].map(key => ({key, hint: hintFromJsonKey(key)})).filter(k => k.hint)
      if (hinted.length > 0) {
        jsonKeys = hinted.map(k => k.key).sort()
        for (const {hint} of hinted) signals.push(hint!)
      }
    } else {
      for (const value of values) if (typeof value === 'string') strings.push(value)
    }
    signals.push(...valueSignals(strings, column, context.today))
  }
  const scores = new Map<Exclude<Category, 'none'>, {confidence: number; evidence: string[]}>()
  for (const signal of signals) {
    const current = scores.get(signal.category) ?? {confidence: 0, evidence: []}
    current.confidence = 1 - (1 - current.confidence) * (1 - signal.confidence)
    current.evidence.push(signal.evidence)
    scores.set(signal.category, current)
  }
  const [best] = [...scores.entries()].sort((a, b) => b[1].confidence - a[1].confidence)
  const holdsEmails = strings.length > 0 && strings.filter(s => isEmail(s)).length / strings.length >= 0.5
  if (!best || best[1].confidence < 0.5) {
    return {column: column.name, category: 'none', confidence: best ? 1 - best[1].confidence : 1, evidence: best ? [`weak: ${best[1].evidence.join('; ')}`] : [], holdsEmails}
  }
  return {column: column.name, category: best[0], confidence: Math.round(best[1].confidence * 100) / 100, evidence: best[1].evidence, jsonKeys, holdsEmails}
}

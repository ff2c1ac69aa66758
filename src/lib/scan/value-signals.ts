import type {ColumnInfo} from '../db/introspect.js'
import type {PersonalCategory} from './column-rules.js'
import {isCompanyNumber, isPersonalTaxOrNationalId, isVatNumber} from './id-numbers.js'
import {
  containsEmail,
  containsPhone,
  isBirthDate,
  isCardNumber,
  isEmail,
  isIban,
  isIpAddress,
  isJwt,
  isPasswordHash,
  isPhone,
  isPrivateKey,
  isPublicKey,
  isRoleEmail,
  isSecretLike,
  isUsSsn,
} from './validators.js'

export interface Signal {
  category: PersonalCategory
  confidence: number
  evidence: string
}

/** Values that say on their own what a column holds, whatever its name. */
interface Check {
  category: PersonalCategory
  label: string
  test: (v: string) => boolean
  /** Share of the sampled values that must pass. */
  share: number
  confidence: number
  /** Numbers can be card numbers or tax ids, never e-mail addresses: checks that read digits run on numeric columns too. */
  numeric?: boolean
}

const CHECKS: Check[] = [
  {category: 'credentials', label: 'password hashes', test: isPasswordHash, share: 0.5, confidence: 0.95},
  {category: 'credentials', label: 'signed tokens (JWT)', test: isJwt, share: 0.5, confidence: 0.9},
  {category: 'credentials', label: 'private keys', test: isPrivateKey, share: 0.5, confidence: 0.9},
  {category: 'online_id', label: 'public keys', test: isPublicKey, share: 0.5, confidence: 0.75},
  {category: 'contact', label: 'e-mail addresses', test: isEmail, share: 0.8, confidence: 0.9},
  {category: 'financial', label: 'card numbers (Luhn)', test: isCardNumber, share: 0.8, confidence: 0.85, numeric: true},
  {category: 'financial', label: 'IBANs (mod-97)', test: isIban, share: 0.8, confidence: 0.9},
  {category: 'government_id', label: 'US SSNs', test: isUsSsn, share: 0.8, confidence: 0.85},
  {
    category: 'government_id',
    label: 'tax or national identity numbers (check digits)',
    test: isPersonalTaxOrNationalId,
    share: 0.8,
    confidence: 0.75,
    numeric: true,
  },
  {category: 'government_id', label: 'VAT numbers (check digits)', test: isVatNumber, share: 0.8, confidence: 0.7},
  {category: 'government_id', label: 'company registration numbers', test: isCompanyNumber, share: 0.9, confidence: 0.5},
  {category: 'contact', label: 'phone numbers', test: isPhone, share: 0.8, confidence: 0.8},
]

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`

const PRIVATE_IP = /^(10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|fc|fd)/i

export interface ValueReading {
  signals: Signal[]
  holdsEmails: boolean
  /** Most values are role mailboxes (support@, noreply@): an organisation's. */
  holdsRoleEmails: boolean
  /** Most values are random-looking tokens. */
  holdsSecrets: boolean
  /** Most addresses are private network addresses: machines', not people's. */
  holdsPrivateAddresses: boolean
}

/** What a column's sampled values say. */
export function readValues(strings: string[], column: ColumnInfo, options: {today: Date; isNumeric: boolean; isPersonTable: boolean}): ValueReading {
  const signals: Signal[] = []
  const short = strings.filter(s => s.length > 0 && s.length <= 300)
  const share = (test: (v: string) => boolean, list = short) => (list.length === 0 ? 0 : list.filter(test).length / list.length)
  const emails = share(isEmail)
  const roleEmails = emails > 0 ? share(v => isEmail(v) && isRoleEmail(v)) / emails : 0
  const ips = share(isIpAddress)
  const privateIps = ips > 0 ? share(v => isIpAddress(v) && PRIVATE_IP.test(v)) / ips : 0
  const reading: ValueReading = {
    signals,
    holdsEmails: emails >= 0.5,
    holdsRoleEmails: emails >= 0.5 && roleEmails >= 0.5,
    holdsSecrets: short.length > 0 && share(isSecretLike) >= 0.8,
    holdsPrivateAddresses: ips >= 0.8 && privateIps >= 0.8,
  }
  if (short.length === 0 && strings.length === 0) return reading
  for (const check of CHECKS) {
    if (options.isNumeric && !check.numeric) continue
    const fraction = share(check.test)
    if (fraction >= check.share)
      signals.push({
        category: check.category,
        confidence: check.confidence,
        evidence: `${percent(fraction)} of ${short.length} sampled values are ${check.label}`,
      })
  }
  if (ips >= 0.8 && !reading.holdsPrivateAddresses)
    signals.push({category: 'online_id', confidence: 0.9, evidence: `${percent(ips)} of ${short.length} sampled values are public IP addresses`})
  if (column.baseType === 'date' && options.isPersonTable) {
    const fraction = share(v => isBirthDate(v, options.today))
    if (fraction >= 0.95) signals.push({category: 'identity', confidence: 0.55, evidence: `${percent(fraction)} of sampled dates are plausible birth dates`})
  }
  const long = strings.filter(s => s.length > 20 && /\s/.test(s))
  if (long.length > 0 && !options.isNumeric) {
    const withContact = long.filter(s => containsEmail(s) || containsPhone(s)).length
    if (withContact / long.length >= 0.08)
      signals.push({
        category: 'free_text',
        confidence: withContact / long.length >= 0.2 ? 0.75 : 0.6,
        evidence: `${withContact} of ${long.length} sampled texts contain an e-mail address or phone number`,
      })
  }
  return reading
}

/** The shape of a value with its letters and digits masked (`Aaaa Aaaa`, `a@a.a`, `99999-999`): what a reviewer may see instead of the value. */
export function shapeOf(value: string): string {
  const masked = value
    .slice(0, 40)
    .replace(/[A-Z]+/g, 'A')
    .replace(/[a-z]+/g, 'a')
    .replace(/\d+/g, '9')
    .replace(/[^\x20-\x7e]+/g, '?')
  return value.length > 40 ? `${masked}… (${value.length} characters)` : masked
}

/** The most common shapes among the sampled values, most common first. */
export function commonShapes(strings: string[], limit = 3): string[] {
  const counts = new Map<string, number>()
  for (const value of strings.slice(0, 200)) counts.set(shapeOf(value), (counts.get(shapeOf(value)) ?? 0) + 1)
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([shape]) => shape)
}

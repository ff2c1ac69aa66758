import {isIP} from 'node:net'

/** Value checks used on sampled values. Each returns true only for values that are what they claim. */

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/
const EMAIL_INSIDE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/
const PHONE_INSIDE = /(?:\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}/

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value)
}

/** E.164 (`+44 20 7946 0958`) or a national number with a trunk prefix (`020 7946 0958`). */
export function isPhone(value: string): boolean {
  if (!/^[\d\s().+-]+$/.test(value)) return false
  const digits = value.replace(/\D/g, '')
  if (value.trim().startsWith('+')) return digits.length >= 8 && digits.length <= 15 && digits[0] !== '0'
  return /^0\d{9,10}$/.test(digits) || /^\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}$/.test(value.trim())
}

export function isIpAddress(value: string): boolean {
  return isIP(value.replace(/\/\d+$/, '')) !== 0
}

export function passesLuhn(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

export function isCardNumber(value: string): boolean {
  if (!/^[\d -]+$/.test(value)) return false
  const digits = value.replace(/\D/g, '')
  return digits.length >= 13 && digits.length <= 19 && !/^(\d)\1+$/.test(digits) && passesLuhn(digits)
}

export function isIban(value: string): boolean {
  const compact = value.replace(/\s+/g, '').toUpperCase()
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) return false
  const rearranged = compact.slice(4) + compact.slice(0, 4)
  let remainder = 0
  for (const char of rearranged) {
    const chunk = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char
    for (const digit of chunk) remainder = (remainder * 10 + Number(digit)) % 97
  }
  return remainder === 1
}

/** US SSN in its printed form, excluding the ranges the SSA never issues. */
export function isUsSsn(value: string): boolean {
  const match = /^(\d{3})-(\d{2})-(\d{4})$/.exec(value)
  if (!match) return false
  const [, area, group, serial] = match
  return area !== '000' && area !== '666' && !area!.startsWith('9') && group !== '00' && serial !== '0000'
}

const POSTCODES = [
  /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, // UK
  /^\d{5}(-\d{4})?$/, // US, DE, FR, ES, IT
  /^\d{4} ?[A-Z]{2}$/i, // NL
  /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, // CA
  /^\d{2}-\d{3}$/, // PL
  /^\d{4}-\d{3}$/, // PT
  /^[A-Z]\d{2} ?[A-Z\d]{4}$/i, // IE Eircode
]

export function isPostcode(value: string): boolean {
  return POSTCODES.some(pattern => pattern.test(value.trim()))
}

/** A date that is a plausible birth date for a living adult or teenager. */
export function isBirthDate(value: string, today: Date): boolean {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return false
  const age = (today.getTime() - date.getTime()) / (365.25 * 24 * 3600 * 1000)
  return age >= 13 && age <= 110
}

export function containsEmail(text: string): boolean {
  return EMAIL_INSIDE.test(text)
}

export function containsPhone(text: string): boolean {
  const match = PHONE_INSIDE.exec(text)
  return match !== null && match[0].replace(/\D/g, '').length >= 9
}

/** Bits per character of a string's own character distribution. */
export function entropy(value: string): number {
  const counts = new Map<string, number>()
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const n of counts.values()) bits -= (n / value.length) * Math.log2(n / value.length)
  return bits
}

/** A random-looking token: long, one word, in a token alphabet (hex, base32/62/64), with high entropy. */
export function isSecretLike(value: string): boolean {
  if (value.length < 16 || value.length > 4096 || /\s/.test(value)) return false
  if (!/^[A-Za-z0-9+/=_\-.:$]+$/.test(value)) return false
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return false
  const core = value.replace(/^[a-z]{2,8}[_-]/, '')
  return entropy(core) >= (/^[0-9a-f]+$/i.test(core) ? 3.2 : 3.6) && /\d/.test(core) && /[A-Za-z]/.test(core)
}

/** A password hash in one of the common formats (bcrypt, argon2, scrypt, PBKDF2, crypt(3) SHA). */
export function isPasswordHash(value: string): boolean {
  return (
    /^\$(2[abxy]?|argon2(id|i|d)|scrypt|pbkdf2[-_a-z0-9]*|[56])\$/.test(value) ||
    /^(pbkdf2_sha\d+|bcrypt_sha256|argon2)\$/.test(value) ||
    /^\{(SSHA|SHA|BCRYPT|PBKDF2)[^}]*\}/.test(value)
  )
}

/** A JSON Web Token. */
export function isJwt(value: string): boolean {
  return /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value)
}

export function isPrivateKey(value: string): boolean {
  return /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/.test(value)
}

export function isPublicKey(value: string): boolean {
  return /-----BEGIN (PGP )?PUBLIC KEY( BLOCK)?-----/.test(value) || /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+|sk-ssh-\S+) [A-Za-z0-9+/=]{40,}/.test(value)
}

const ROLE_MAILBOXES =
  /^(support|info|hello|hi|contact|team|admin|billing|sales|help|noreply|no-reply|donotreply|do-not-reply|mail|office|notifications?|news|newsletter|marketing|jobs|careers|press|security|abuse|postmaster|webmaster|accounts|service|bot|system|root)([+.-][^@]*)?@/i

/** An e-mail address of a role (support@, noreply@): an organisation's mailbox, not a person's. */
export function isRoleEmail(value: string): boolean {
  return ROLE_MAILBOXES.test(value)
}

export const isLatitude = (value: number) => value >= -90 && value <= 90
export const isLongitude = (value: number) => value >= -180 && value <= 180

/**
 * Numbers that pass the checks real ones pass: Luhn card numbers, mod-97
 * IBANs, Brazilian CPF/CNPJ and German tax ids with their check digits, VAT
 * numbers, US SSNs outside the ranges never issued.
 */
import {Random, chars, int, pick} from './random.js'

function luhnCheckDigit(body: string): number {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return (10 - (sum % 10)) % 10
}

export function cardNumber(random: Random): string {
  const body = pick(random, ['4', '51', '55', '37', '6011']) + chars(random, 'digits', 20)
  const length = body.startsWith('37') ? 14 : 15
  const trimmed = body.slice(0, length)
  return trimmed + luhnCheckDigit(trimmed)
}

function mod97(digits: string): number {
  let remainder = 0
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97
  return remainder
}

export function iban(random: Random, countryCode: string): string {
  const lengths: Record<string, number> = {DE: 18, GB: 18, BR: 25, FR: 23, ES: 20, NL: 14}
  const country = lengths[countryCode] ? countryCode : 'DE'
  const bban =
    country === 'GB' || country === 'NL'
      ? `${chars(random, 'lower', 4).toUpperCase()}${chars(random, 'digits', lengths[country]! - 4)}`
      : chars(random, 'digits', lengths[country]!)
  const numeric = (bban + country + '00')
    .split('')
    .map(c => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c))
    .join('')
  const check = String(98 - mod97(numeric)).padStart(2, '0')
  return `${country}${check}${bban}`
}

export function cpf(random: Random, formatted = true): string {
  const digits = chars(random, 'digits', 9).split('').map(Number)
  for (const length of [9, 10]) {
    const sum = digits.slice(0, length).reduce((acc, d, i) => acc + d * (length + 1 - i), 0)
    const rest = (sum * 10) % 11
    digits.push(rest === 10 ? 0 : rest)
  }
  const s = digits.join('')
  return formatted ? `${s.slice(0, 3)}.${s.slice(3, 6)}.${s.slice(6, 9)}-${s.slice(9)}` : s
}

export function cnpj(random: Random, formatted = true): string {
  const digits = [...chars(random, 'digits', 8).split('').map(Number), 0, 0, 0, 1]
  for (const weights of [
    [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2],
    [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2],
  ]) {
    const sum = weights.reduce((acc, w, i) => acc + w * digits[i]!, 0)
    const rest = sum % 11
    digits.push(rest < 2 ? 0 : 11 - rest)
  }
  const s = digits.join('')
  return formatted ? `${s.slice(0, 2)}.${s.slice(2, 5)}.${s.slice(5, 8)}/${s.slice(8, 12)}-${s.slice(12)}` : s
}

/** German Steuerliche Identifikationsnummer: 11 digits, ISO 7064 MOD 11,10 check digit. */
export function germanTaxId(random: Random): string {
  const body = String(int(random, 1, 9)) + chars(random, 'digits', 9)
  let product = 10
  for (const d of body) {
    let sum = (Number(d) + product) % 10
    if (sum === 0) sum = 10
    product = (sum * 2) % 11
  }
  const check = (11 - product) % 10
  return body + check
}

export function usSsn(random: Random): string {
  return `${int(random, 100, 665)}-${String(int(random, 1, 99)).padStart(2, '0')}-${String(int(random, 1, 9999)).padStart(4, '0')}`
}

export function vatNumber(random: Random, countryCode: string): string {
  switch (countryCode) {
    case 'DE':
      return `DE${int(random, 1, 9)}${chars(random, 'digits', 8)}`
    case 'BR':
      return cnpj(random)
    default:
      return pick(random, [
        `GB${chars(random, 'digits', 9)}`,
        `DE${int(random, 1, 9)}${chars(random, 'digits', 8)}`,
        `FR${chars(random, 'digits', 11)}`,
        `NL${chars(random, 'digits', 9)}B01`,
      ])
  }
}

export function taxId(random: Random, countryCode: string): string {
  switch (countryCode) {
    case 'BR':
      return cpf(random, random() < 0.6)
    case 'DE':
      return germanTaxId(random)
    default:
      return pick(random, [usSsn(random), `${int(random, 10, 99)}-${chars(random, 'digits', 7)}`, `${chars(random, 'digits', 10)}`])
  }
}

export function companyNumber(random: Random, countryCode: string): string {
  switch (countryCode) {
    case 'BR':
      return cnpj(random)
    case 'DE':
      return `HRB ${int(random, 1000, 250000)}`
    default:
      return pick(random, [chars(random, 'digits', 8), `SC${chars(random, 'digits', 6)}`])
  }
}

export function nationalId(random: Random, countryCode: string): string {
  switch (countryCode) {
    case 'BR':
      return cpf(random, random() < 0.5)
    case 'DE':
      return `L${chars(random, 'base32', 8).replace(/[01]/g, 'C')}`
    default:
      return pick(random, [usSsn(random), `${chars(random, 'lower', 2).toUpperCase()}${chars(random, 'digits', 6)}${pick(random, ['A', 'B', 'C', 'D'])}`])
  }
}

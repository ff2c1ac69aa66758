import {passesLuhn} from './validators.js'

/**
 * Tax, VAT, national and company numbers of the main EU countries, the US and
 * the UK, each checked by its check digits where it has them, so that a column
 * of such numbers is told from a column of invoice numbers.
 */

const digitsOf = (value: string) => value.replace(/[\s.\-/]/g, '')
const allSame = (digits: string) => /^(\d)\1+$/.test(digits)

/** Brazil's CPF: 11 digits, two mod-11 check digits. */
export function isCpf(value: string): boolean {
  const d = digitsOf(value)
  if (!/^\d{11}$/.test(d) || allSame(d)) return false
  const check = (length: number) => {
    let sum = 0
    for (let i = 0; i < length; i++) sum += Number(d[i]) * (length + 1 - i)
    const rest = (sum * 10) % 11
    return rest === 10 ? 0 : rest
  }
  return check(9) === Number(d[9]) && check(10) === Number(d[10])
}

/** Germany's Steuer-ID: 11 digits, ISO 7064 MOD 11,10. */
export function isGermanTaxId(value: string): boolean {
  const d = digitsOf(value)
  if (!/^[1-9]\d{10}$/.test(d)) return false
  return mod11x10(d.slice(0, 10)) === Number(d[10])
}

function mod11x10(digits: string): number {
  let product = 10
  for (const char of digits) {
    let sum = (Number(char) + product) % 10
    if (sum === 0) sum = 10
    product = (sum * 2) % 11
  }
  const check = 11 - product
  return check === 10 ? 0 : check
}

/** The Netherlands' BSN: 9 digits, the eleven-test. */
export function isBsn(value: string): boolean {
  const d = digitsOf(value)
  if (!/^\d{9}$/.test(d) || allSame(d)) return false
  let sum = 0
  for (let i = 0; i < 8; i++) sum += Number(d[i]) * (9 - i)
  return (sum - Number(d[8])) % 11 === 0
}

/** Portugal's NIF: 9 digits, mod-11 check digit. */
export function isPortugueseNif(value: string): boolean {
  const d = digitsOf(value)
  if (!/^[1235689]\d{8}$/.test(d)) return false
  let sum = 0
  for (let i = 0; i < 8; i++) sum += Number(d[i]) * (9 - i)
  const check = 11 - (sum % 11)
  return (check >= 10 ? 0 : check) === Number(d[8])
}

/** Spain's DNI and NIE: 8 digits (NIE: X/Y/Z and 7) and a control letter. */
export function isSpanishDni(value: string): boolean {
  const match = /^([XYZ]?)(\d{7,8})-?([A-Z])$/i.exec(value.trim())
  if (!match) return false
  const number = Number(`${'XYZ'.indexOf(match[1]!.toUpperCase()) === -1 ? '' : 'XYZ'.indexOf(match[1]!.toUpperCase())}${match[2]}`)
  return 'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23] === match[3]!.toUpperCase()
}

/** Italy's codice fiscale, by its shape (16 characters). */
export function isItalianFiscalCode(value: string): boolean {
  return /^[A-Z]{6}\d{2}[A-EHLMPRST]\d{2}[A-Z]\d{3}[A-Z]$/i.test(value.trim())
}

/** France's NIR (social security number): 13 digits and a 2-digit key, 97 − (number mod 97). */
export function isFrenchNir(value: string): boolean {
  const d = digitsOf(value).toUpperCase().replace('2A', '19').replace('2B', '18')
  if (!/^[12]\d{14}$/.test(d)) return false
  return 97 - Number(BigInt(d.slice(0, 13)) % 97n) === Number(d.slice(13))
}

/** The UK's National Insurance number, by its shape. */
export function isUkNino(value: string): boolean {
  return /^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]$/i.test(value.trim())
}

/** The US employer identification number, by its shape. */
export function isUsEin(value: string): boolean {
  return /^\d{2}-\d{7}$/.test(value.trim())
}

/** VAT numbers with their country prefix; check digits for DE, GB, IT, FR, NL, PT, ES, BE, AT by shape. */
export function isVatNumber(value: string): boolean {
  const v = value.replace(/[\s.\-]/g, '').toUpperCase()
  const match = /^([A-Z]{2})([0-9A-Z]{8,12})$/.exec(v)
  if (!match) return false
  const [, country, body] = match as unknown as [string, string, string]
  switch (country) {
    case 'DE':
      return /^\d{9}$/.test(body) && mod11x10(body.slice(0, 8)) === Number(body[8])
    case 'GB':
      return /^\d{9}$/.test(body) && ukVatCheck(body)
    case 'IT':
      return /^\d{11}$/.test(body) && passesLuhn(body)
    case 'FR':
      return /^\d{11}$/.test(body) && Number(body.slice(0, 2)) === (12 + 3 * (Number(body.slice(2)) % 97)) % 97
    case 'NL':
      return /^\d{9}B\d{2}$/.test(body)
    case 'PT':
      return isPortugueseNif(body)
    case 'ES':
      return /^[A-Z0-9]\d{7}[A-Z0-9]$/.test(body)
    case 'BE':
      return /^[01]\d{9}$/.test(body) && 97 - (Number(body.slice(0, 8)) % 97) === Number(body.slice(8))
    case 'AT':
      return /^U\d{8}$/.test(body)
    default:
      return false
  }
}

function ukVatCheck(body: string): boolean {
  let sum = 0
  for (let i = 0; i < 7; i++) sum += Number(body[i]) * (8 - i)
  const total = sum + Number(body.slice(7))
  return total % 97 === 0 || (total + 55) % 97 === 0
}

/** A France SIREN/SIRET or a UK Companies House number: company registrations. */
export function isCompanyNumber(value: string): boolean {
  const d = digitsOf(value)
  if (/^\d{9}$|^\d{14}$/.test(d) && passesLuhn(d) && !allSame(d)) return true
  return /^(SC|NI|OC|SO)?\d{6,8}$/.test(value.trim().toUpperCase()) && /^(SC|NI|OC|SO)/i.test(value.trim())
}

/** Any of the personal tax or national identity numbers above. */
export function isPersonalTaxOrNationalId(value: string): boolean {
  return (
    isCpf(value) ||
    isGermanTaxId(value) ||
    isBsn(value) ||
    isPortugueseNif(value) ||
    isSpanishDni(value) ||
    isItalianFiscalCode(value) ||
    isFrenchNir(value) ||
    isUkNino(value)
  )
}

/**
 * Values of the personal kinds, drawn from the row's person, and the kind to
 * use for a personal column whose label names only a category.
 */
import {companyNumber, cardNumber, iban, nationalId, taxId, vatNumber} from './ids.js'
import type {Person} from './person.js'
import {Random, chars, int, pick} from './random.js'

export interface ValueContext {
  random: Random
  person: Person
  today: Date
  /** Position of the row in its table, for values that must differ. */
  row: number
}

export type Value = string | number | boolean | Value[] | {[key: string]: Value} | null

const base64 = (random: Random, bytes: number) => chars(random, 'base64', Math.ceil((bytes * 4) / 3))
const jwtPart = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

export const PERSONAL_VALUES: Record<string, (c: ValueContext) => Value> = {
  first_name: c => c.person.first,
  last_name: c => c.person.last,
  full_name: c => c.person.full,
  display_name: c => pick(c.random, [c.person.full, c.person.first, `${c.person.first} ${c.person.last[0]}.`, c.person.username]),
  username: c => c.person.username,
  birth_date: c => c.person.birthDate,
  gender: c => c.person.gender,
  nationality: c => pick(c.random, [c.person.locale.country, c.person.locale.country, 'Portugal', 'India', 'Nigeria']),
  avatar_url: c => `https://cdn.example-media.net/avatars/${c.person.username}-${chars(c.random, 'hex', 8)}.jpg`,
  avatar_file: c => `${c.person.first.toLowerCase()}-${c.person.last.toLowerCase()}-${int(c.random, 1, 9)}.jpg`,
  email: c => c.person.email,
  phone: c => c.person.phone,
  website: c => c.person.website,
  messenger_handle: c => pick(c.random, [`@${c.person.username}`, `${c.person.username}@matrix.org`, `${c.person.username}#${int(c.random, 1000, 9999)}`]),
  street: c => c.person.street,
  address_line: c => c.person.addressLine,
  city: c => c.person.city.city,
  region: c => c.person.city.region,
  postcode: c => c.person.city.postcode,
  country: c => c.person.locale.country,
  country_code: c => c.person.locale.countryCode,
  full_address: c => `${c.person.street}, ${c.person.city.postcode} ${c.person.city.city}, ${c.person.locale.country}`,
  latitude: c => c.person.lat,
  longitude: c => c.person.lng,
  coordinates: c => `${c.person.lat},${c.person.lng}`,
  place_name: c => pick(c.random, [`${c.person.city.city}, ${c.person.city.region}`, `near ${c.person.street}`, c.person.city.city]),
  ip: c => c.person.ip,
  user_agent: c => c.person.userAgent,
  device_id: c => pick(c.random, [chars(c.random, 'hex', 16), chars(c.random, 'hex', 32).toUpperCase()]),
  push_token: c => pick(c.random, [`${chars(c.random, 'base64url', 22)}:APA91b${chars(c.random, 'base64url', 134)}`, chars(c.random, 'hex', 64)]),
  oauth_uid: c => pick(c.random, [chars(c.random, 'digits', 21), chars(c.random, 'digits', 9), `${chars(c.random, 'hex', 24)}`]),
  external_account_id: c => pick(c.random, [chars(c.random, 'digits', 12), `acct_${chars(c.random, 'base62', 16)}`]),
  payment_customer_id: c => `cus_${chars(c.random, 'base62', 14)}`,
  public_key: c =>
    pick(c.random, [
      `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA${base64(c.random, 32)} ${c.person.email}`,
      `-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA${base64(c.random, 120)}\n-----END PUBLIC KEY-----\n`,
    ]),
  session_id: c => chars(c.random, 'hex', 32),
  password_hash: c =>
    pick(c.random, [
      `$2a$12$${chars(c.random, 'bcrypt', 53)}`,
      `$argon2id$v=19$m=65536,t=3,p=4$${base64(c.random, 16)}$${base64(c.random, 32)}`,
      `pbkdf2_sha256$600000$${chars(c.random, 'base62', 22)}$${base64(c.random, 32)}=`,
    ]),
  salt: c => pick(c.random, [chars(c.random, 'hex', 32), base64(c.random, 16), chars(c.random, 'base62', 20)]),
  api_token: c => pick(c.random, [chars(c.random, 'base62', 40), `glpat-${chars(c.random, 'base62', 20)}`, chars(c.random, 'hex', 64)]),
  session_token: c => chars(c.random, 'base64url', 43),
  reset_token: c => chars(c.random, 'base62', 20),
  confirmation_token: c => chars(c.random, 'base62', 20),
  invitation_token: c => chars(c.random, 'base62', 20),
  totp_secret: c => chars(c.random, 'base32', 32),
  backup_codes: c => Array.from({length: 10}, () => chars(c.random, 'alnum', 10)),
  oauth_access_token: c => pick(c.random, [`ya29.${chars(c.random, 'base64url', 120)}`, chars(c.random, 'base64url', 43)]),
  oauth_refresh_token: c => pick(c.random, [`1//${chars(c.random, 'base64url', 100)}`, chars(c.random, 'base64url', 43)]),
  id_token: c =>
    `${jwtPart({alg: 'RS256', kid: chars(c.random, 'hex', 8)})}.${jwtPart({sub: chars(c.random, 'digits', 21), email: c.person.email, name: c.person.full})}.${chars(c.random, 'base64url', 86)}`,
  passkey_id: c => chars(c.random, 'base64url', 43),
  passkey_public_key: c => `pQECAyYgASFYI${base64(c.random, 32)}IlggI${base64(c.random, 32)}`,
  private_key: c => `-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA${base64(c.random, 180)}\n-----END RSA PRIVATE KEY-----\n`,
  secret: c => chars(c.random, 'base62', 32),
  iban: c => iban(c.random, c.person.locale.countryCode),
  bank_account: c => chars(c.random, 'digits', int(c.random, 8, 12)),
  card_number: c => cardNumber(c.random),
  card_last4: c => chars(c.random, 'digits', 4),
  card_expiry: c => `${String(int(c.random, 1, 12)).padStart(2, '0')}/${int(c.random, 26, 31)}`,
  card_brand: c => pick(c.random, ['visa', 'mastercard', 'amex']),
  salary: c => int(c.random, 1800, 9500) * 12,
  amount: c => Math.round(c.random() * 50000) / 100,
  tax_id: c => taxId(c.random, c.person.locale.countryCode),
  vat_number: c => vatNumber(c.random, c.person.locale.countryCode),
  company_number: c => companyNumber(c.random, c.person.locale.countryCode),
  national_id: c => nationalId(c.random, c.person.locale.countryCode),
  passport_number: c => `${chars(c.random, 'lower', 2).toUpperCase()}${chars(c.random, 'digits', 7)}`,
  signature: c => pick(c.random, [c.person.full, `${c.person.first[0]}. ${c.person.last}`]),
  signature_image: c => `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA${base64(c.random, 90)}`,
  health_note: c => pick(c.random, ['Asthma, carries an inhaler.', 'Allergic to penicillin.', 'Type 1 diabetes.', 'Alergia a amendoim.', 'Laktoseintoleranz.']),
  free_text_personal: c => freeText(c),
  message_body: c => freeText(c),
  bio: c =>
    pick(c.random, [
      `${c.person.first}, ${c.person.city.city}. Coffee, cycling and open source.`,
      `Teacher in ${c.person.city.city}. Views my own.`,
      `he/him · ${c.person.locale.country}`,
    ]),
  search_query: c =>
    pick(c.random, [
      `${c.person.first} ${c.person.last}`,
      'divorce lawyer near me',
      'cheap flights lisbon',
      'symptoms of burnout',
      'apartamento para alugar',
      'kita anmeldung',
    ]),
  page_path: c => pick(c.random, ['/account/settings', '/help/cancel-subscription', `/u/${c.person.username}`, '/jobs/apply?id=42', '/pricing']),
  personal_json: c => ({name: c.person.full, email: c.person.email, phone: c.person.phone, city: c.person.city.city}),
}

function freeText(c: ValueContext): string {
  const phrase = pick(c.random, c.person.locale.personalPhrases)
  const roll = c.random()
  if (roll < 0.1) return `${phrase} ${c.person.email}`
  if (roll < 0.18) return `${phrase} ${c.person.phone}`
  if (roll < 0.35) return `${c.person.first}: ${phrase}`
  return phrase
}

const CATEGORY_KINDS: Record<string, Array<[RegExp, string]>> = {
  identity: [
    [/first|given|fore|vorname|prenom|nome_?social/, 'first_name'],
    [/last|sur|family|nachname|sobrenome/, 'last_name'],
    [/birth|dob|nasc|geburt/, 'birth_date'],
    [/gender|sex/, 'gender'],
    [/avatar|photo|picture|image|foto/, 'avatar_url'],
    [/national/, 'nationality'],
    [/user|login|handle|acct|nick/, 'username'],
    [/display/, 'display_name'],
  ],
  contact: [
    [/phone|mobile|tel|fax|cell|fone|celular/, 'phone'],
    [/url|site|web|blog/, 'website'],
  ],
  location: [
    [/lat/, 'latitude'],
    [/lng|lon/, 'longitude'],
    [/line_?2|address_?2|complement/, 'address_line'],
    [/street|line_?1|address_?1|logradouro|strasse/, 'street'],
    [/city|town|cidade|munic|ort$/, 'city'],
    [/zip|post|cep|plz/, 'postcode'],
    [/state|region|province|uf$/, 'region'],
    [/country|pais/, 'country'],
    [/address|endereco/, 'full_address'],
  ],
  online_id: [
    [/ip|addr/, 'ip'],
    [/agent/, 'user_agent'],
    [/push|fcm|apns/, 'push_token'],
    [/device/, 'device_id'],
    [/key/, 'public_key'],
    [/session/, 'session_id'],
    [/customer|stripe/, 'payment_customer_id'],
  ],
  credentials: [
    [/salt/, 'salt'],
    [/otp|totp|2fa|mfa|two_?factor/, 'totp_secret'],
    [/backup|recovery/, 'backup_codes'],
    [/refresh/, 'oauth_refresh_token'],
    [/id_?token/, 'id_token'],
    [/reset/, 'reset_token'],
    [/confirm|verif/, 'confirmation_token'],
    [/invit/, 'invitation_token'],
    [/session/, 'session_token'],
    [/private/, 'private_key'],
    [/pass|pwd|crypt|digest|hash|senha/, 'password_hash'],
  ],
  financial: [
    [/iban/, 'iban'],
    [/last_?4|last_?four/, 'card_last4'],
    [/exp/, 'card_expiry'],
    [/brand/, 'card_brand'],
    [/card|pan/, 'card_number'],
    [/account|conta/, 'bank_account'],
    [/salary|wage|income|salario/, 'salary'],
  ],
  government_id: [
    [/vat/, 'vat_number'],
    [/company|registration|cnpj|trade/, 'company_number'],
    [/passport/, 'passport_number'],
    [/tax|tin|cpf|nif|steuer/, 'tax_id'],
  ],
  biometric: [[/image|drawn|data/, 'signature_image']],
  free_text: [[/bio|about/, 'bio']],
  behavioral: [[/path|page|url|referr/, 'page_path']],
}

const CATEGORY_DEFAULTS: Record<string, string> = {
  identity: 'full_name',
  contact: 'email',
  location: 'city',
  online_id: 'oauth_uid',
  credentials: 'api_token',
  financial: 'amount',
  government_id: 'national_id',
  biometric: 'signature',
  health: 'health_note',
  free_text: 'free_text_personal',
  behavioral: 'search_query',
}

/** The kind of a personal column labelled with a category only: read from its name, as a person filling the table would. */
export function personalKindFor(category: string, column: string, numeric: boolean): string {
  const name = column.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
  const found = CATEGORY_KINDS[category]?.find(([pattern]) => pattern.test(name))?.[1]
  if (found) return found
  if (numeric && category === 'location') return 'latitude'
  return CATEGORY_DEFAULTS[category] ?? 'free_text_personal'
}

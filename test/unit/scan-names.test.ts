import {expect} from 'chai'

import type {ColumnInfo} from '../../src/lib/db/introspect.js'
import {classifyColumn} from '../../src/lib/scan/classify.js'
import {isBsn, isCpf, isFrenchNir, isGermanTaxId, isPortugueseNif, isSpanishDni, isUkNino, isVatNumber} from '../../src/lib/scan/id-numbers.js'
import type {TableContext} from '../../src/lib/scan/table-context.js'
import {nameConcepts, splitWords} from '../../src/lib/scan/tokens.js'
import {commonShapes, shapeOf} from '../../src/lib/scan/value-signals.js'
import {isJwt, isPasswordHash, isRoleEmail, isSecretLike} from '../../src/lib/scan/validators.js'

const today = new Date('2026-11-24')

function column(name: string, baseType = 'text'): ColumnInfo {
  return {name, type: baseType, baseType, isArray: false, isNullable: true, default: null, maxLength: null, position: 1, generated: null}
}

const table = (kind: TableContext['kind'], extra: Partial<TableContext> = {}): TableContext => ({
  kind,
  isPersonLinked: kind === 'person',
  holdsAddresses: false,
  words: [],
  isMachine: false,
  hasLatitude: false,
  hasValueColumn: false,
  ...extra,
})
const people = table('person', {words: ['user']})
const things = table('thing', {words: ['tag']})
const organisations = table('organisation', {words: ['team']})

const category = (name: string, context: TableContext, baseType = 'text', values?: unknown[]) =>
  classifyColumn(column(name, baseType), values, {today, isKey: false, table: context}).category

describe('scan: names as words and concepts', () => {
  it('splits snake, camel, Pascal, acronyms and digits, keeping 2fa whole', () => {
    expect(splitWords('twoFactorSecret')).to.deep.equal(['two', 'factor', 'secret'])
    expect(splitWords('HTTPHeader2')).to.deep.equal(['http', 'header', '2'])
    expect(splitWords('user_2fa_secret')).to.deep.equal(['user', '2fa', 'secret'])
    expect(splitWords('Straße')).to.deep.equal(['strasse'])
  })

  it('reads abbreviations, other languages and glued words as concepts', () => {
    expect(nameConcepts('pwd')).to.deep.equal(['password'])
    expect(nameConcepts('senha')).to.deep.equal(['password'])
    expect(nameConcepts('nm_pai')).to.deep.equal(['name', 'father'])
    expect(nameConcepts('userprofile')).to.deep.equal(['user', 'profile'])
    expect(nameConcepts('coordinates_lat')).to.deep.equal(['coordinates', 'latitude'])
    expect(nameConcepts('mailingcity')).to.deep.equal(['mailing', 'city'])
  })
})

describe('scan: what a name means on its table and type', () => {
  const cases: Array<[string, TableContext, string, string]> = [
    ['email', people, 'text', 'contact'],
    ['e_mail', people, 'text', 'contact'],
    ['courriel', people, 'text', 'contact'],
    ['MobilePhone', people, 'text', 'contact'],
    ['full_name', people, 'text', 'identity'],
    ['vorname', people, 'text', 'identity'],
    ['apellido', people, 'text', 'identity'],
    ['date_of_birth', people, 'date', 'identity'],
    ['nome', people, 'text', 'identity'],
    ['nameFirstName', people, 'text', 'identity'],
    ['guestName', things, 'text', 'identity'],
    ['createdByName', things, 'text', 'identity'],
    ['postcode', people, 'text', 'location'],
    ['plz', people, 'text', 'location'],
    ['mailingcity', people, 'text', 'location'],
    ['home_latitude', people, 'float8', 'location'],
    ['signup_ip', people, 'text', 'online_id'],
    ['user_agent', people, 'text', 'online_id'],
    ['providerAccountId', people, 'text', 'online_id'],
    ['card_number', people, 'text', 'financial'],
    ['iban', people, 'text', 'financial'],
    ['cc_exp_month', people, 'int4', 'financial'],
    ['ssn', people, 'text', 'government_id'],
    ['passport_number', people, 'text', 'government_id'],
    ['cpf', people, 'numeric', 'government_id'],
    ['vat_id', people, 'text', 'government_id'],
    ['blood_type', people, 'text', 'health'],
    ['fingerprint_template', people, 'bytea', 'biometric'],
    ['password_digest', people, 'text', 'credentials'],
    ['encrypted_password', people, 'text', 'credentials'],
    ['twoFactorSecret', people, 'text', 'credentials'],
    ['backupCodes', people, 'text', 'credentials'],
    ['otp_backup_codes', people, 'text', 'credentials'],
    ['oneTimePassword', people, 'text', 'credentials'],
    ['api_key', people, 'text', 'credentials'],
    ['bio', people, 'text', 'free_text'],
    ['username', people, 'text', 'identity'],
  ]
  for (const [name, context, baseType, expected] of cases) {
    it(`${name} on a ${context.kind} table → ${expected}`, () => {
      expect(category(name, context, baseType)).to.equal(expected)
    })
  }

  it('never reads a flag, a time, a count or a setting as the data it is about', () => {
    expect(category('email_verified', people, 'bool')).to.equal('none')
    expect(category('last_sign_in_at', people, 'timestamptz')).to.equal('none')
    expect(category('sign_in_count', people, 'int4')).to.equal('none')
    expect(category('email_notifications', people, 'text')).to.equal('none')
    expect(category('phone_type', people, 'text')).to.equal('none')
    expect(category('status_token', people, 'text')).to.equal('credentials')
    expect(category('status_token', things, 'text')).to.equal('none')
    expect(category('storageQuota', people, 'int8')).to.equal('none')
  })

  it('reads the parts of a message, a certificate and an address that name or quote a person', () => {
    expect(category('subject', table('authored', {words: ['text'], nameWords: ['notes'], isPersonLinked: true}))).to.equal('free_text')
    expect(category('subject', table('authored', {words: ['text'], nameWords: ['messages'], isPersonLinked: true}))).to.equal('none')
    expect(category('subject', table('thing', {words: ['mail', 'template']}))).to.equal('none')
    const certificates = table('thing', {words: ['x509', 'certificate'], isPersonLinked: true})
    expect(category('subject', certificates)).to.equal('identity')
    const addresses = table('thing', {words: ['shipping', 'address'], holdsAddresses: true, isPersonLinked: true})
    expect(category('contact', addresses)).to.equal('identity')
    expect(category('department_2', addresses)).to.equal('location')
    expect(category('department', organisations)).to.equal('none')
  })

  it("reads what a person's row names them by beside their address, payment and accounts", () => {
    const addresses = table('thing', {words: ['billing', 'address'], holdsAddresses: true, isPersonLinked: true})
    expect(category('name', addresses)).to.equal('identity')
    expect(category('mandator_id', people)).to.equal('financial')
    expect(category('cp_title', people)).to.equal('identity')
    expect(category('title', things)).to.equal('none')
    expect(category('stripe_payment_method_xid', table('thing', {words: ['card', 'validation'], isPersonLinked: true}))).to.equal('financial')
    expect(category('also_known_as', people)).to.equal('online_id')
    expect(category('customer_id', table('thing', {words: ['payment', 'transaction'], isPersonLinked: true}))).to.equal('online_id')
    expect(category('tracking_client_id', table('thing', {words: ['order'], isPersonLinked: true}))).to.equal('online_id')
    expect(category('matricula_interna', table('person', {words: ['funcionario']}))).to.equal('identity')
    expect(category('evidence', table('authored', {words: ['abuse', 'report'], isPersonLinked: true}))).to.equal('free_text')
    expect(category('li_fat_id', things)).to.equal('online_id')
    expect(category('shop_customer_number', table('thing', {words: ['shop', 'order'], isPersonLinked: true}))).to.equal('online_id')
    expect(category('stripe_customer_id', table('person', {words: ['corporate', 'customer'], nameWords: ['corporate', 'customer']}))).to.equal('none')
    expect(category('slug', people)).to.equal('identity')
    expect(category('slug', things)).to.equal('none')
    expect(category('lower_name', table('thing', {words: ['user', 'redirect'], isPersonLinked: true}))).to.equal('identity')
    expect(category('lower_name', table('thing', {words: ['repository'], isPersonLinked: true}))).to.equal('none')
    expect(category('referer_url', table('authored', {words: ['text'], isPersonLinked: true}))).to.equal('behavioral')
    expect(category('data', table('thing', {words: ['offline', 'user', 'session'], nameWords: ['offline', 'user', 'session'], isPersonLinked: true}))).to.equal(
      'online_id',
    )
    expect(category('data', table('thing', {words: ['cache'], nameWords: ['cache'], isPersonLinked: true}))).to.equal('none')
    expect(category('hash', table('thing', {words: ['email', 'hash'], isPersonLinked: true}))).to.equal('contact')
  })

  it('reads paths and titles as browsing on tables of page views, not on tables of pages', () => {
    expect(category('path', table('thing', {words: ['page', 'view'], isPersonLinked: true}))).to.equal('behavioral')
    expect(category('title', table('thing', {words: ['wiki', 'page'], isPersonLinked: true}))).to.equal('none')
  })

  it("reads a push subscription as a device's address", () => {
    const subscriptions = table('thing', {words: ['setting', 'subscription'], nameWords: ['notifications', 'subscriptions'], isPersonLinked: true})
    expect(category('subscription', subscriptions, 'jsonb')).to.equal('online_id')
    expect(category('identifier', subscriptions)).to.equal('online_id')
    expect(category('identifier', table('thing', {words: ['subscription'], nameWords: ['plan', 'subscriptions'], isPersonLinked: true}))).to.equal('none')
  })

  it('reads the label a person gives their own credential as their words', () => {
    const factors = table('thing', {words: ['mfa', 'factor'], isPersonLinked: true})
    expect(category('friendly_name', factors)).to.equal('free_text')
    expect(category('user_label', table('thing', {words: ['credential'], isPersonLinked: true}))).to.equal('free_text')
    expect(category('label', things)).to.equal('none')
  })

  it("reads `name` as a person's only where people are", () => {
    expect(category('name', people)).to.equal('identity')
    expect(category('name', things)).to.equal('none')
    expect(category('name', organisations)).to.equal('none')
    expect(category('description', things)).to.equal('none')
  })

  it("leaves an organisation's address, e-mail and secrets alone", () => {
    expect(category('street', organisations)).to.equal('none')
    expect(category('email', organisations)).to.equal('none')
    expect(category('client_secret', table('organisation', {words: ['oauth', 'application'], isMachine: true}))).to.equal('none')
  })

  it("finds contact data by value when the name says nothing, but not an organisation's mailboxes", () => {
    const finding = classifyColumn(column('col_a'), ['a@example.com', 'b@example.org', 'c@example.net', 'd@example.net', 'e@example.net'], {
      today,
      isKey: false,
    })
    expect(finding.category).to.equal('contact')
    expect(finding.holdsEmails).to.equal(true)
    expect(category('col_b', things, 'text', ['support@example.com', 'noreply@example.org', 'info@example.net'])).to.equal('none')
  })

  it('finds password hashes and signed tokens by their format', () => {
    expect(
      category('col_c', things, 'text', ['$2a$12$abcdefghijklmnopqrstuuNw1h3Jm5OQyB0q3v1bq0Yl1mKX8GmBGa', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA']),
    ).to.equal('credentials')
    expect(isJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig')).to.equal(true)
    expect(isPasswordHash('pbkdf2_sha256$600000$abc$def=')).to.equal(true)
  })

  it('reads JSON by key path at any depth', () => {
    const finding = classifyColumn(column('payload', 'jsonb'), [{event: 'signup', actor: {profile: {first_name: 'Ana', email: 'ana@example.com'}}}], {
      today,
      isKey: false,
      table: things,
    })
    expect(finding.category).to.equal('identity')
    expect(finding.jsonKeys).to.include.members(['email', 'first_name'])
    expect(finding.evidence.join(' ')).to.include('actor.profile.first_name')
  })

  it('keeps only the shapes of values, never the values', () => {
    expect(shapeOf('Ana Silva')).to.equal('Aa Aa')
    expect(shapeOf('ana.silva@example.com')).to.equal('a.a@a.a')
    expect(commonShapes(['12345-678', '98765-432', 'x'])).to.deep.equal(['9-9', 'a'])
  })
})

describe('scan: identity numbers by their check digits', () => {
  it('accepts valid numbers and rejects one digit off', () => {
    expect(isCpf('529.982.247-25')).to.equal(true)
    expect(isCpf('529.982.247-26')).to.equal(false)
    expect(isGermanTaxId('65929970489')).to.equal(true)
    expect(isGermanTaxId('65929970488')).to.equal(false)
    expect(isBsn('111222333')).to.equal(true)
    expect(isBsn('111222334')).to.equal(false)
    expect(isPortugueseNif('123456789')).to.equal(true)
    expect(isPortugueseNif('123456788')).to.equal(false)
    expect(isSpanishDni('12345678Z')).to.equal(true)
    expect(isSpanishDni('12345678A')).to.equal(false)
    expect(isFrenchNir('1 84 12 76 451 089 46')).to.equal(true)
    expect(isUkNino('AB 12 34 56 C')).to.equal(true)
    expect(isVatNumber('DE136695976')).to.equal(true)
    expect(isVatNumber('DE136695977')).to.equal(false)
    expect(isVatNumber('GB980780684')).to.equal(true)
  })

  it('tells random tokens from words and ids, and role mailboxes from people', () => {
    expect(isSecretLike('9f86d081884c7d659a2feaa0c55ad015')).to.equal(true)
    expect(isSecretLike('kR3x9QmZ1vB7nL0pT5wY8cJ2')).to.equal(true)
    expect(isSecretLike('hello-world-this-is-text')).to.equal(false)
    expect(isSecretLike('123e4567-e89b-12d3-a456-426614174000')).to.equal(false)
    expect(isRoleEmail('noreply@example.com')).to.equal(true)
    expect(isRoleEmail('ana.silva@example.com')).to.equal(false)
  })
})

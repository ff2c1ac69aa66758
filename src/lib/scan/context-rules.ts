import type {Input, NameVerdict, PersonalCategory} from './verdict.js'
import {ORGANISATION_WORDS} from './lexicon.js'
import type {TableContext} from './table-context.js'

const yes = (category: PersonalCategory, confidence: number, evidence: string): NameVerdict => ({category, confidence, evidence})

/** Direct debit mandates (SEPA's mandate reference, kept with a customer). */
const MANDATE = new Set(['mandate', 'mandator', 'mandatsreferenz', 'mandato'])
/** Services that keep their own id for a person who is a customer there. */
const EXTERNAL_SERVICE = new Set([
  'shop',
  'store',
  'stripe',
  'braintree',
  'paypal',
  'adyen',
  'mollie',
  'chargebee',
  'paddle',
  'shopify',
  'remote',
  'external',
  'provider',
])
/** Tables of a person's letters and notes. */
const CORRESPONDENCE = new Set(['note', 'letter', 'mail', 'email', 'correspondence', 'brief', 'carta', 'memo'])
/** Tables of certificates, whose subject names the person the certificate is for. */
const CERTIFICATE_TABLE = new Set(['certificate', 'x509', 'smartcard', 'pkcs', 'pki'])

/**
 * Names whose meaning depends on the table they are on, read before the rules
 * that would take them for a setting or an organisation's data: a letter's
 * subject line, a certificate's subject, the label a person gives their own
 * second factor, the name, contact person and department line of a postal
 * address, a direct debit mandate, a provider's ids for a person.
 * `credentialTable`: the table holds sign-in data.
 */
export function spokenVerdict(input: Input, credentialTable: boolean): NameVerdict | undefined {
  const {concepts: c, words, table} = input
  const reached = table.isPersonLinked || table.isReached === true
  // A table of customers named as organisations (`corporate_customer`) holds no person: its provider's id is not personal.
  const names = table.nameWords ?? []
  const organisationNamed = names.some(
    (w, i) => ['customer', 'customers'].includes(w) && i > 0 && (ORGANISATION_WORDS.has(names[i - 1]!) || names[i - 1] === 'corporate'),
  )
  const only = (word: string) => words.length === 1 && words[0] === word
  // A letter's or a note's subject is the writer's words; a forum's or a chat's is a topic many people share.
  if (
    only('subject') &&
    table.kind === 'authored' &&
    reached &&
    [...table.words, ...(table.nameWords ?? [])].some(w => CORRESPONDENCE.has(w.replace(/s$/, '')))
  )
    return yes('free_text', 0.65, "the subject line of a person's letter or note")
  if (only('subject') && reached && table.words.some(w => CERTIFICATE_TABLE.has(w)))
    return yes('identity', 0.65, "the subject of a person's certificate (their name)")
  if (credentialTable && reached && ((words.includes('friendly') && c.has('name')) || (c.has('user') && words.at(-1) === 'label')))
    return yes('free_text', 0.6, 'the label a person gave their own credential')
  if (only('evidence') && table.kind === 'authored' && reached) return yes('free_text', 0.6, 'what a person wrote to support a report')
  if (only('name') && table.holdsAddresses && reached) return yes('identity', 0.6, 'the name on a postal address')
  if (words.some(w => MANDATE.has(w)) && (table.kind === 'person' || reached)) return yes('financial', 0.6, 'a direct debit mandate reference')
  if (
    table.kind === 'person' &&
    words.length <= 2 &&
    ['title', 'position', 'honorific'].includes(words.at(-1)!) &&
    !words.some(w => ['job', 'sort'].includes(w))
  )
    return yes('identity', 0.6, "a person's title or position")
  if (c.has('payment') && words.includes('method') && ['id', 'xid', 'uid'].includes(words.at(-1)!) && (table.kind === 'person' || table.isPersonLinked))
    return yes('financial', 0.6, "a person's payment method at a payment provider")
  if ((words.join('_') === 'also_known_as' || c.has('alias')) && (table.kind === 'person' || table.isPersonLinked))
    return yes('online_id', 0.6, "another address of a person's account")
  if (c.has('uri') && c.size === 1 && table.isPersonLinked && names.some(w => ['alias', 'aliases'].includes(w)))
    return yes('online_id', 0.6, "another address of a person's account")
  if (c.has('uri') && c.size === 1 && table.isPersonLinked && (names.includes('openid') || (names.includes('open') && names.includes('id'))))
    return yes('online_id', 0.6, "a person's OpenID address")
  // No table of customers here: a text customer id on a person's payment is the payment provider's id for that person.
  if (words.join('_') === 'customer_id' && reached && (table.kind === 'person' || table.words.includes('payment')) && !organisationNamed)
    return yes('online_id', 0.6, "a person's id at a payment provider")
  if (words.includes('tracking') && words.includes('client') && ['id', 'uid'].includes(words.at(-1)!) && reached)
    return yes('online_id', 0.6, "an analytics client id of a person's browser")
  if (table.kind === 'person' && (words.includes('matricula') || (words.includes('personnel') && words.includes('number'))))
    return yes('identity', 0.6, "a person's registration or personnel number")
  if (c.has('referrer') && words.length <= 2 && reached) return yes('behavioral', 0.6, 'the page a person came from')
  const sessionTable = (table.nameWords ?? []).some(w => ['session', 'sessions', 'sess'].includes(w))
  if (
    sessionTable &&
    reached &&
    words.length <= 2 &&
    ['data', 'value', 'note'].includes(words.at(-1)!) &&
    words.every(w => ['data', 'value', 'note', 'sess', 'session'].includes(w))
  )
    return yes('online_id', 0.6, "what a person's session holds")
  if (words.includes('customer') && ['id', 'number', 'no'].includes(words.at(-1)!) && words.some(w => EXTERNAL_SERVICE.has(w)) && reached && !organisationNamed)
    return yes('online_id', 0.6, "a person's customer id at a shop or payment service")
  if (only('slug') && table.kind === 'person') return yes('identity', 0.6, "a person's name as it appears in addresses of their pages")
  if (words.join('_') === 'lower_name' && table.words.includes('user') && reached) return yes('identity', 0.6, 'a user name, in lower case')
  if (table.holdsAddresses && words.at(-1) === 'contact' && words.every(w => w === 'contact' || ['shipto', 'billing', 'shipping', 'delivery'].includes(w)))
    return yes('identity', 0.6, 'the contact person on a postal address')
  if (
    table.holdsAddresses &&
    words.includes('department') &&
    words.every(w => w === 'department' || /^\d$/.test(w) || ['shipto', 'billing', 'shipping', 'delivery'].includes(w))
  )
    return yes('location', 0.6, 'the department line of a postal address')
  return undefined
}

/** Tables of web push subscriptions (`push_subscriptions`, `notification_subscriptions`): each row is one person's browser or device. */
export const isPushSubscriptionTable = (table: TableContext) => {
  const names = (table.nameWords ?? []).map(w => w.replace(/s$/, ''))
  return names.includes('subscription') && (names.includes('push') || names.includes('notification'))
}

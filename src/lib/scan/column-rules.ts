import {ORGANISATION_WORDS, PERSON_WORDS} from './lexicon.js'
import {conceptOf} from './tokens.js'
import {
  ADVISER_ROLES,
  CHAT_ACCOUNTS,
  CONDUCT_REPORTS,
  EARLIER_VERSIONS,
  MERGED_RECORD_NAMES,
  PROFILE_PICTURES,
  RECORDINGS,
  isYearInReview,
  ofAPerson,
  peopleNamed,
} from './rule-words.js'
import {isPushSubscriptionTable, spokenVerdict} from './context-rules.js'
import type {TableContext} from './table-context.js'
import type {Input, NameVerdict, PersonalCategory} from './verdict.js'

export type {Input, NameVerdict, PersonalCategory, TypeFamily} from './verdict.js'

const any = (set: Set<string>, ...concepts: string[]) => concepts.some(c => set.has(c))
const yes = (category: PersonalCategory, confidence: number, evidence: string): NameVerdict => ({category, confidence, evidence})
const no = (evidence: string): NameVerdict => ({category: 'none', confidence: 0.9, evidence})

/** People's roles that, before `name`, make it a person's name (`author_name`, `guestName`, `nome_mae`). */
const PERSON_ROLES = [
  'user',
  'author',
  'owner',
  'guest',
  'scheduler',
  'creator',
  'created',
  'updated',
  'committer',
  'holder',
  'contact',
  'person',
  'customer',
  'member',
  'attendee',
  'sender',
  'recipient',
  'signer',
  'mother',
  'father',
  'spouse',
  'guardian',
  'authorized',
  'aluno',
  'student',
  'teacher',
  'employee',
  'patient',
  'requester',
  'reporter',
  'assignee',
  'responsible',
  'social',
  'maiden',
  'nick',
  'first',
  'last',
  'middle',
  'real',
  'legal',
  'billing',
  'shipping',
  'shipto',
  'delivery',
  'participant',
  'organizer',
  'invitee',
  'inviter',
  'reviewer',
  'speaker',
  'subscriber',
  'follower',
  ...ADVISER_ROLES,
]
/** Words before `name` that make it a person's name only where people are (`display_name` of a user, not of a tag). */
const WEAK_ROLES = ['display', 'full', 'public', 'profile']
/** Columns whose text is a person's name by the role alone (`author`, `original_author`). */
const NAMED_ROLES = ['author', 'committer', 'signer', 'assignee', 'reporter', 'adviser', 'coordinator']

/** Application secrets: an integration's, a machine's, the operator's. */
const MACHINE_SECRET = [
  'client',
  'app',
  'application',
  'webhook',
  'hook',
  'bot',
  'integration',
  'runner',
  'cluster',
  'deploy',
  'service',
  'server',
  'instance',
  'health',
  'registry',
  'trigger',
  'signing',
  'encryption',
  'lfs',
  'iv',
  'ci',
  'workhorse',
]

/** Words of tables that hold sign-in data, where a bare `token`, `key` or `secret` column is a person's credential. */
const AUTH_TABLE = [
  'token',
  'session',
  'credential',
  'passkey',
  'otp',
  'password',
  'secret',
  'key',
  'confirmation',
  'invitation',
  'reset',
  'grant',
  'login',
  'identity',
  'identities',
  'device',
  'api',
  'access',
  'auth',
  'authorization',
  'verification',
  'refresh',
  'factor',
  'challenge',
  'code',
  'codes',
]
/** Words that say whose the data is when it is an organisation's (`escola_cidade`, `company_phone`). */
const EMPLOYER = new Set(['company', 'empresa', 'organization', 'organisation', 'firma'])
const BARE = new Set(['token', 'secret', 'key', 'hash', 'value', 'data', 'code'])

const credentialWords = (c: Set<string>) =>
  any(c, 'password', 'salt', 'otp', 'secret', 'token', 'passkey', 'challenge') ||
  (c.has('pin') && c.size <= 2) ||
  (c.has('two') && c.has('factor')) ||
  (c.has('backup') && any(c, 'code', 'key', 'hash')) ||
  (c.has('private') && c.has('key')) ||
  (c.has('api') && any(c, 'key', 'token')) ||
  (c.has('session') && any(c, 'key', 'id', 'data')) ||
  (any(c, 'code', 'key') &&
    any(
      c,
      'reset',
      'confirmation',
      'invitation',
      'remember',
      'unlock',
      'access',
      'auth',
      'authorization',
      'device',
      'share',
      'reply',
      'refresh',
      'verification',
    )) ||
  (any(c, 'hash', 'encrypted') && any(c, 'code', 'key', 'credential'))

/**
 * The verdict a column's name gives, read as concepts with its type and its
 * table: first what the type rules out, then credentials, identity, contact,
 * location, online identifiers, financial, government and health data, free
 * text and behaviour. Undefined when the name says nothing.
 */
export function verdictFromName(input: Input): NameVerdict | undefined {
  const {concepts: c, family, table} = input
  const person = table.kind === 'person'
  /** Rows point at a person directly; `reached`: through any chain of references. */
  const linked = table.isPersonLinked
  const reached = linked || table.isReached === true
  const org = table.kind === 'organisation' || table.isMachine
  const last = input.words.at(-1) ?? ''
  const isIdentifier = ['id', 'ids', 'uuid', 'xid'].includes(last)
  const personRows = person || peopleNamed(table)
  /** The name says the data is of a person the organisation names (`fa_steuerberater_street`). */
  const advised = ADVISER_ROLES.some(r => c.has(r))
  /** `your_phone_number`, `my_email`: the person's own, whatever the table. */
  const own = input.words.some(w => ['your', 'my'].includes(w))
  if (family === 'json' && (c.has('setting') || c.has('meta'))) return undefined
  if (family === 'timestamp') return c.size > 0 && any(c, 'birth', 'death', 'marriage') ? yes('identity', 0.7, "a date of a person's life") : undefined
  if (family === 'boolean') {
    if ((c.has('health') || table.kind === 'health') && !org)
      return yes('health', 0.75, table.kind === 'health' ? 'a yes/no answer in a health record' : 'a yes/no health fact')
    return undefined
  }
  if (family === 'date') {
    if (any(c, 'birth', 'death', 'marriage')) return yes('identity', 0.85, "a date of a person's life")
    if (table.kind === 'person' && c.has('at') && c.size <= 3 && !any(c, 'created', 'updated', 'deleted', 'modified', 'flag', 'expiry', 'setting'))
      return undefined
    return undefined
  }
  if (family === 'number' && c.has('count')) return no('a count or limit')
  if (c.has('clickid') || input.words.join('') === 'lifatid') return yes('online_id', 0.75, 'an advertising click id')
  if (c.has('visitor') && any(c, 'id', 'uid') && !org) return yes('online_id', 0.7, "a visitor's id")
  if (
    isTrackingTable(table) &&
    family === 'text' &&
    (c.has('uri') || c.has('referrer') || input.words.some(w => ['path', 'query', 'title', 'page', 'hostname', 'domain'].includes(w)))
  )
    return yes('behavioral', 0.6, 'a page a person visited')
  if (family === 'search') {
    if (table.kind === 'authored' && reached) return yes('free_text', 0.6, "the words of a person's text, for search")
    if (person || linked) return yes('identity', 0.6, "a person's details, for search")
    return undefined
  }
  if (family === 'uuid')
    return c.has('uid') && c.size >= 2 && PERSON_ROLES.concat('user').some(r => c.has(r)) && !table.isMachine
      ? yes('online_id', 0.6, "a person's id at another service")
      : undefined
  const textHead =
    conceptOf(last) === 'text' && !input.words.some(w => ['error', 'errors', 'template', 'templates', 'canned', 'preset', 'exception', 'failure'].includes(w))
  // biometric: templates of a body's features, never a key's fingerprint
  if (
    (c.has('biometric') ||
      (c.has('fingerprint') && input.words.some(w => ['template', 'image', 'scan', 'minutiae'].includes(w))) ||
      (input.words.includes('face') && any(c, 'biometric', 'encoding', 'template'))) &&
    !org
  )
    return yes('biometric', 0.8, 'a biometric template')
  if (family === 'text' && !org) {
    const spoken = spokenVerdict(
      input,
      table.words.some(w => AUTH_TABLE.includes(w) || ['mfa', 'webauthn', 'passkey'].includes(w)),
    )
    if (spoken) return spoken
  }
  // On a person's own row a name ending in token, secret or salt is their secret, whatever setting word comes first (`status_token`).
  const ownSecret = person && ['token', 'secret', 'salt'].includes(last)
  if (c.has('setting') && family !== 'json' && !textHead && !ownSecret && !(c.has('health') && input.words.includes('type')))
    return no('a setting, type or template, not the data itself')
  if (c.has('flag') && family !== 'json') return no('a flag about the data, not the data itself')
  if (c.has('uri') && PERSON_ROLES.includes(input.words[0] ?? '') && input.words.length >= 2 && reached && !table.isMachine && family === 'text')
    return yes('online_id', 0.6, "the address of a person's account elsewhere")
  if (input.words.includes('our') || (input.words.some(w => ORGANISATION_WORDS.has(w) && !EMPLOYER.has(w)) && !person && family !== 'json'))
    return no("an organisation's data, by its name")
  if (c.has('search') && any(c, 'vector', 'document', 'index')) {
    if (table.kind === 'authored' && reached) return yes('free_text', 0.6, "the words of a person's text, for search")
    if (person || linked) return yes('identity', 0.6, "a person's details, for search")
  }

  // credentials
  if (credentialWords(c) || (c.has('hash') && table.words.includes('password'))) {
    if (any(c, 'at', 'count', 'expiry')) return no('when or how often, not the secret itself')
    if ([...c].every(w => BARE.has(w)) && !personRows && !table.words.some(w => AUTH_TABLE.includes(w))) return no('a token of a thing, not of a person')
    const authTable = table.words.some(w => AUTH_TABLE.includes(w))
    if (((org && !table.words.includes('invitation') && !peopleNamed(table) && !ofAPerson(table)) || MACHINE_SECRET.some(w => c.has(w))) && !c.has('user'))
      return no("an application's or organisation's secret")
    if (c.has('key') && [...c].every(w => BARE.has(w)) && table.hasValueColumn) return no('the key of a key-value pair')
    if (c.has('push') || c.has('device')) return yes('online_id', 0.8, 'a device or push token')
    if (c.has('public') && c.has('key') && !c.has('passkey') && !table.words.includes('passkey')) return yes('online_id', 0.8, "a person's public key")
    if (!linked && !person && !authTable && !c.has('user')) return {category: 'none', confidence: 0.55, evidence: 'a secret, on a table not tied to a person'}
    if (c.has('name')) return no('the name of a secret, not the secret')
    const namesAThing = input.words.some(
      w =>
        !CREDENTIAL_MODIFIERS.has(w) &&
        !NEUTRAL_CREDENTIAL_WORDS.has(w) &&
        !['token', 'tokens', 'secret', 'key', 'keys', 'code', 'codes', 'hash', 'digest'].includes(w),
    )
    if (
      !personRows &&
      !authTable &&
      namesAThing &&
      !input.words.some(w => CREDENTIAL_MODIFIERS.has(w)) &&
      !any(c, 'password', 'salt', 'otp', 'passkey', 'challenge')
    )
      return no('the token of a thing, not of a person')
    return yes('credentials', 0.9, 'a password, token or secret')
  }
  if (c.has('hash') && (c.has('email') || (c.size === 1 && table.words.includes('email') && reached))) return yes('contact', 0.7, 'a hash of an e-mail address')
  if (table.words.includes('passkey') && (any(c, 'credential', 'key') || (c.has('external') && c.has('id'))) && family !== 'number')
    return yes('credentials', 0.85, 'a passkey credential')
  if (table.words.includes('passkey') && c.has('public') && c.has('key')) return yes('credentials', 0.85, 'a passkey public key')
  if (any(c, 'code', 'key', 'secret', 'token') && [...c].every(w => BARE.has(w)) && table.words.some(w => AUTH_TABLE.includes(w)) && !org)
    return yes('credentials', 0.75, 'a key or code on a table of sign-in data')

  // identity
  if (any(c, 'birth', 'death', 'marriage')) return yes('identity', 0.85, "a date of a person's life")
  if (any(c, 'gender', 'nationality', 'pronoun')) return yes('identity', 0.85, "a person's gender, nationality or pronouns")
  if (family === 'number') return numericVerdict(input)
  const gluedName = input.words.some(w => GLUED_NAMES.has(w))
  if ((any(c, 'first', 'last') && (c.has('name') || c.size === 1 || gluedName)) || any(c, 'maiden', 'nick')) {
    if (table.holdsAddresses && !person && c.has('name') && !any(c, 'first', 'last')) return yes('location', 0.6, 'a name on a postal address')
    return yes('identity', 0.85, "a person's name")
  }
  if (linked && input.words.length === 2 && input.words[0] === 'chat' && (table.nameWords ?? []).some(w => CHAT_ACCOUNTS.has(w)) && family === 'text') {
    if (input.words[1] === 'name') return yes('contact', 0.6, "a person's handle at a chat service")
    if (input.words[1] === 'id') return yes('online_id', 0.6, "a person's id at a chat service")
  }
  if (table.words.includes('transaction') && c.has('name') && any(c, 'external', 'payee', 'payer', 'counterparty') && !org)
    return yes('identity', 0.6, 'the other party of a payment, by name')
  if (c.has('name') && isAuditTable(table) && (family === 'text' || family === 'json') && input.words.every(w => MERGED_RECORD_NAMES.has(w)))
    return yes('identity', 0.6, 'names of the records a log merged or replaced')
  if (c.has('name') || c.has('login') || c.has('handle')) {
    if (
      (c.has('user') && c.has('name')) ||
      ((c.has('login') || c.has('handle')) && [...c].every(w => ['login', 'handle', 'user', 'name', 'lower', 'current', 'primary'].includes(w)))
    ) {
      if ((table.isMachine || (org && !linked)) && !peopleNamed(table)) return no("an integration's user name")
      return yes('identity', 0.8, 'a user name or login')
    }
    if (c.has('employer'))
      return org && !person ? no("an organisation's own name") : yes(table.holdsAddresses ? 'location' : 'identity', 0.65, "a person's employer")
    const role = PERSON_ROLES.find(r => c.has(r))
    if (role) return yes('identity', 0.8, `the name of a person (${role})`)
    const weak = WEAK_ROLES.find(r => c.has(r))
    if (weak && (person || linked)) return yes('identity', 0.7, `the ${weak} name of a person`)
    if (personRows) return yes('identity', 0.75, 'a name on a table of people')
    return undefined
  }
  if (c.size === 1 && c.has('user') && family === 'text') return yes('identity', 0.6, 'a user, by name')
  if (NAMED_ROLES.some(r => c.has(r)) && c.size <= 2 && family === 'text' && !table.isMachine) return yes('identity', 0.6, 'a person named by their role')
  if (
    family === 'text' &&
    !org &&
    ((input.words.length === 2 &&
      input.words.some(w => ['contact', 'contato', 'kontakt', 'contacto'].includes(w)) &&
      input.words.some(w => ['person', 'pessoa', 'persona', 'personne'].includes(w))) ||
      (input.words.length === 1 && input.words[0] === 'ansprechpartner'))
  )
    return yes('identity', 0.65, 'a contact person, by name')
  if (c.has('salutation') && (person || linked || table.holdsAddresses)) return yes('identity', 0.6, 'how a person is addressed')
  if (c.has('holder') && !c.has('card') && (person || linked)) return yes('identity', 0.6, 'the holder of an account')
  if (any(c, 'mother', 'father', 'spouse', 'kinship', 'authorized')) return yes('identity', 0.7, 'a relative or guardian of a person')
  if (table.words.includes('avatar') && any(c, 'file', 'uri', 'data') && linked) return yes('identity', 0.7, 'a picture of a person')
  if (
    [...c].every(w => w === 'value' || w === 'rendered') &&
    c.has('value') &&
    linked &&
    table.words.some(w => ['attribute', 'field', 'custom', 'property', 'answer'].includes(w)) &&
    (person || table.words.some(w => ['user', 'profile', 'person', 'member', 'contact'].includes(w)))
  )
    return yes('identity', 0.6, "a value of a person's own field")
  if (isAuditTable(table) && reached && (family === 'text' || family === 'json') && input.words.every(w => AUDIT_FIELDS.has(w)))
    return yes('identity', 0.6, "what an audit log copied of a person's record")
  if (c.has('avatar') || c.has('signature')) {
    if (any(c, 'source', 'version', 'count')) return no('how the picture is kept, not the picture')
    if (person || PERSON_ROLES.some(r => c.has(r))) return yes('identity', 0.75, "a person's picture or signature")
    return no('a picture of a thing')
  }
  if (person && input.words.some(w => PROFILE_PICTURES.has(w)) && (c.has('uri') || c.has('file') || input.words.includes('image')))
    return yes('identity', 0.65, "a person's profile banner")
  if ((c.has('occupation') || (c.has('job') && c.has('title'))) && (person || linked)) return yes('identity', 0.65, "a person's job")
  if (c.has('employer') && person) return yes('identity', 0.6, "a person's employer")
  if (c.has('employer') && table.holdsAddresses) return yes('location', 0.6, 'a company name on a postal address')

  // contact
  if (c.has('email') && textHead && !isIdentifier) {
    if (table.kind === 'authored' && reached) return yes('free_text', 0.7, 'the text of an e-mail a person wrote')
    return undefined
  }
  if (c.has('email')) {
    if (isIdentifier && !PERSON_ROLES.some(r => c.has(r))) return no('the id of a message, not an address')
    if ((table.isMachine || (org && !person)) && !['user', 'owner', 'author', 'created', 'creator', 'contact', 'member'].some(r => c.has(r)))
      return no("an organisation's e-mail address")
    return yes('contact', 0.85, 'an e-mail address')
  }
  if (c.has('phone')) {
    if (org && !person && !advised && !own) return no("an organisation's phone number")
    return yes('contact', 0.85, 'a phone number')
  }
  if (c.has('messenger') && (person || linked) && !org) return yes('contact', 0.75, 'a messenger or social handle')
  if (c.has('website') && person) return yes('contact', 0.7, 'a personal website')

  // online identifiers (before location: `ip_address`)
  if (c.has('ip') && !org) return yes('online_id', 0.85, 'an IP address')
  if (c.has('agent') && (c.has('user') || input.words.includes('useragent')) && !org) return yes('online_id', 0.85, 'a user agent')
  if (c.has('device') && (person || linked)) return yes('online_id', 0.75, 'a device identifier')
  if (c.has('push') && any(c, 'endpoint', 'token', 'subscription')) return yes('online_id', 0.75, 'a push subscription')
  if (c.has('endpoint') && (table.words.includes('push') || table.words.includes('subscription'))) return yes('online_id', 0.7, 'a push endpoint')
  if (isPushSubscriptionTable(table) && reached && input.words.length === 1 && ['subscription', 'identifier', 'endpoint'].includes(input.words[0]!))
    return yes('online_id', 0.7, "a browser's or device's push subscription")
  const externalId =
    c.has('external') &&
    any(c, 'id', 'uid', 'account', 'user', 'identifier', 'key', 'reference') &&
    [...c].every(w => ['external', 'id', 'uid', 'account', 'user', 'identifier', 'key', 'identity', 'reference', 'secondary', 'primary'].includes(w))
  if (!table.isMachine && ((c.has('uid') && c.size === 1 && person) || (externalId && (person || (linked && any(c, 'user', 'account', 'uid'))))))
    return yes('online_id', 0.75, "a person's id at another service")
  if (c.has('identifier') && (c.size === 1 || c.has('user')) && (person || (c.has('user') && linked)))
    return yes('online_id', 0.65, "a person's identifier elsewhere")
  if (c.has('uri') && (c.has('actor') || PERSON_ROLES.some(r => c.has(r))) && !org) return yes('online_id', 0.6, 'the address of a person elsewhere')
  if (c.has('fingerprint') && linked && !table.isMachine && table.words.some(w => ['gpg', 'ssh', 'pgp', 'key', 'keys', 'passkey', 'certificate'].includes(w)))
    return yes('online_id', 0.7, "a fingerprint of a person's key")
  if (c.has('public') && c.has('key') && linked && !table.isMachine) return yes('online_id', 0.7, "a person's public key")
  if (
    c.has('key') &&
    c.has('id') &&
    [...c].filter(w => !['gpg', 'pgp', 'ssh', 'primary', 'sub'].includes(w)).length <= 3 &&
    reached &&
    !table.isMachine &&
    table.words.some(w => ['gpg', 'ssh', 'pgp', 'key', 'keys'].includes(w))
  )
    return yes('online_id', 0.65, "the id of a person's key")
  if (c.has('actor') && c.has('uri') && person) return yes('online_id', 0.75, "a person's actor address")
  if (person && input.words.includes('link') && input.words.includes('url')) return yes('contact', 0.6, "a link to a person's profile elsewhere")
  if (c.has('uri') && person && c.size <= 2) return yes(c.has('website') ? 'contact' : 'online_id', 0.6, "the address of a person's profile")

  // location
  if (any(c, 'latitude', 'longitude', 'coordinates') || (c.has('long') && table.hasLatitude)) {
    if (org && !person) return no("an organisation's coordinates")
    return yes('location', 0.8, 'coordinates')
  }
  if (
    any(c, 'street', 'postcode', 'neighborhood', 'complement', 'residence') ||
    (c.has('address') && !any(c, 'email', 'ip')) ||
    (c.has('house') && c.size <= 2) ||
    (c.has('city') && !c.has('count'))
  ) {
    if (org && !person && !advised) return no("an organisation's address")
    if (!person && !linked && !table.holdsAddresses && !advised) return undefined
    return yes('location', 0.8, 'part of a postal address')
  }
  if (((any(c, 'country', 'region') && (table.holdsAddresses || person)) || (c.has('state') && table.holdsAddresses)) && !org)
    return yes('location', 0.6, "part of a person's address")
  if (c.has('line') && input.words.some(w => /^\d$/.test(w)) && (table.holdsAddresses || person) && !org)
    return yes('location', 0.7, 'a line of a postal address')
  if (c.has('number') && (c.size === 1 || any(c, 'house', 'street')) && table.holdsAddresses && !org) return yes('location', 0.6, 'a house number')
  if (c.has('location') && (person || (linked && c.size <= 2)) && !org && !isIdentifier) return yes('location', 0.65, "a person's location")
  if (table.words.includes('document') && any(c, 'number') && (person || linked)) return yes('government_id', 0.6, "a number on a person's identity document")

  // financial and government identifiers
  if (c.has('card') && any(c, 'number', 'digits', 'last', 'first', 'expiry', 'holder', 'name', 'month', 'year', '4'))
    return yes('financial', 0.8, 'payment card details')
  if ((table.words.includes('card') || table.words.includes('payment')) && any(c, 'digits', 'expiry', 'holder') && linked)
    return yes('financial', 0.7, 'payment card details')
  if (table.words.includes('card') && table.words.some(w => ['credit', 'payment', 'debit'].includes(w)) && linked && family === 'text')
    return yes('financial', 0.6, 'payment card details')
  if (
    c.has('iban') ||
    (c.has('bank') && any(c, 'account', 'number')) ||
    (c.has('account') && c.has('number') && (person || table.words.includes('transaction')))
  )
    return yes('financial', 0.8, 'a bank account')
  if (input.words.length === 1 && input.words[0] === 'isp' && reached && !org) return yes('online_id', 0.6, 'the internet provider a person connected through')
  if (input.words.includes('serial') && table.words.some(w => ['certificate', 'x509'].includes(w)) && reached && !org)
    return yes('online_id', 0.6, "the serial number of a person's certificate")
  if (c.has('salary') && (person || linked)) return yes('financial', 0.8, "a person's income")
  if (
    any(c, 'ssn', 'passport', 'voter', 'identity_card') ||
    (c.has('national') && any(c, 'id', 'number', 'identifier')) ||
    (c.has('license') && c.has('driver'))
  ) {
    if (org && !person) return no("an organisation's registration")
    return yes('government_id', 0.8, 'a national identity number')
  }
  if (any(c, 'tax', 'vat')) {
    if (org && !person) return no("an organisation's tax number")
    if (person || linked) return yes('government_id', 0.75, 'a tax or VAT number')
  }
  if (c.has('certificate') && person) return yes('government_id', 0.65, 'a civil certificate')

  // health
  if ((c.has('health') || (table.kind === 'health' && linked)) && !org)
    return yes('health', 0.75, table.kind === 'health' ? 'part of a health record' : 'health data')
  if (c.has('measure') && measuresPeople(table)) return yes('health', 0.6, "a person's body measure")

  // free text and behaviour
  if (c.has('text') && !org && !c.has('meta') && !['id', 'ids', 'uuid', 'key', 'hash', 'digest'].includes(last)) {
    if (table.kind === 'authored' && linked) return yes('free_text', 0.75, 'text a person wrote')
    if (person) return yes('free_text', 0.7, 'text about a person')
    if (input.words.some(w => REMARKS.has(w)) && linked) return yes('free_text', 0.6, "a person's reasons or remarks")
    if (input.words[0] === 'body' && linked && !(table.nameWords ?? []).some(w => /template|canned|preset|macro|default/.test(w)))
      return yes('free_text', 0.6, 'the body of something a person wrote')
    if (table.words.some(w => CONDUCT_REPORTS.has(w)) && linked && input.words.length === 1)
      return yes('free_text', 0.6, 'a copy of what a person wrote, kept by a report on their conduct')
  }
  if (c.has('search') && !c.has('text') && reached && !org) return yes('behavioral', 0.65, "a person's searches or filters")
  if (family === 'json' && input.words.length === 1 && input.words[0] === 'evidence' && table.kind === 'authored' && reached)
    return yes('free_text', 0.6, 'what a person gave to support a report')
  if (linked && (family === 'json' || family === 'text') && input.words.length === 1 && input.words[0] === 'data' && isYearInReview(table))
    return yes('behavioral', 0.6, "a summary of a person's year of activity")
  if (
    (table.nameWords ?? []).some(w => RECORDINGS.has(w)) &&
    reached &&
    (family === 'json' || family === 'text') &&
    input.words.some(w => ['events', 'event', 'data', 'recording', 'frames'].includes(w))
  )
    return yes('behavioral', 0.65, 'a recording of what a person did on a page')
  if (table.kind === 'authored' && reached && (family === 'json' || family === 'text') && input.words.some(w => EARLIER_VERSIONS.has(w)) && !org)
    return yes('free_text', 0.6, "earlier versions of a person's text")
  if (c.has('sentiment')) return yes('behavioral', 0.6, "a person's mood")
  return undefined
}

const REMARKS = new Set([
  'evidence',
  'observation',
  'observations',
  'reason',
  'motivo',
  'grund',
  'justification',
  'justificativa',
  'observacao',
  'observacoes',
  'obs',
  'relato',
  'parecer',
  'feedback',
  'review',
  'comment',
  'comments',
  'remarks',
  'remark',
  'bemerkung',
])
/** Words before `token` or `secret` that make it a person's sign-in secret on any table. */
const CREDENTIAL_MODIFIERS = new Set([
  'access',
  'refresh',
  'reset',
  'confirmation',
  'confirm',
  'api',
  'auth',
  'session',
  'remember',
  'invitation',
  'invite',
  'user',
  'otp',
  'feed',
  'personal',
  'private',
  'sign',
  'signin',
  'login',
  'recovery',
  'backup',
  'verification',
  'unlock',
  'password',
  'id',
  'bearer',
  'jwt',
  'incoming',
  'static',
  'pubsub',
  'email',
  'share',
  'reply',
  'reauthentication',
  'provider',
  'oauth',
  'identity',
  'device',
  'mfa',
  '2fa',
  'totp',
  'passkey',
  'webauthn',
  'hmac',
  'scratch',
  'one',
  'onetime',
  'magic',
  'link',
])

/** Tables of page views and clicks: every path, query and referrer in them is someone's browsing. A table of pages is content, not visits. */
const isTrackingTable = (table: TableContext) =>
  table.words.some(w => ['pageview', 'visit', 'visits', 'hit', 'hits', 'click', 'clicks', 'tracking', 'analytics'].includes(w)) ||
  (table.words.includes('page') && table.words.some(w => ['view', 'views', 'visit', 'visits', 'hit', 'hits'].includes(w))) ||
  (table.words.includes('event') && table.words.includes('website'))

/** Audit logs and change histories copy the values of the rows they record. */
const AUDIT_TABLE = new Set(['audit', 'auditoria', 'unification', 'changelog', 'versions', 'paper_trail'])
const AUDIT_FIELDS = new Set([
  'details',
  'detail',
  'changes',
  'changed',
  'data',
  'payload',
  'before',
  'after',
  'old',
  'new',
  'valor',
  'antigo',
  'novo',
  'context',
  'object',
  'diff',
  'extra',
  'properties',
  'target',
  'audited',
  'value',
  'values',
  'original',
])
const isAuditTable = (table: TableContext) =>
  table.words.some(w => AUDIT_TABLE.has(w)) && [...AUDIT_TABLE, 'event', 'log', 'entry', 'data'].includes(table.words.at(-1)!)

/** First and last names written as one word. */
const GLUED_NAMES = new Set([
  'firstname',
  'lastname',
  'surname',
  'forename',
  'vorname',
  'nachname',
  'familienname',
  'sobrenome',
  'prenom',
  'voornaam',
  'achternaam',
  'cognome',
])

/** Words that say how a secret is kept, not whose it is. */
const NEUTRAL_CREDENTIAL_WORDS = new Set([
  'encrypted',
  'enc',
  'hashed',
  'plain',
  'plaintext',
  'value',
  'raw',
  'current',
  'new',
  'old',
  'last',
  'eight',
  'first',
])

/** Body measures are a person's on a table of people, or a table of measures named after people (a pupil's height and weight). */
const measuresPeople = (table: TableContext) =>
  table.kind === 'person' || (table.words.includes('measure') && table.isPersonLinked && table.words.some(w => PERSON_WORDS.has(w)))

/** Numbers can be phone numbers, government ids, coordinates, card dates or body measures, never names or e-mail addresses. */
function numericVerdict(input: Input): NameVerdict | undefined {
  const {concepts: c, table} = input
  const person = table.kind === 'person'
  const org = table.kind === 'organisation' || table.isMachine
  if ((any(c, 'latitude', 'longitude', 'coordinates') || (c.has('long') && table.hasLatitude)) && !org) return yes('location', 0.8, 'coordinates')
  if (any(c, 'country', 'city', 'residence', 'location') && person) return yes('location', 0.6, 'where a person lives or works')
  if (c.has('phone') && !org) return yes('contact', 0.75, 'a phone number')
  if (c.has('postcode') && (person || table.isPersonLinked || table.holdsAddresses) && !org) return yes('location', 0.7, 'a postcode')
  if (any(c, 'ssn', 'passport', 'voter', 'identity_card') && !org) return yes('government_id', 0.75, 'a national identity number')
  if (any(c, 'tax') && (person || table.isPersonLinked) && !org) return yes('government_id', 0.6, 'a tax number')
  if (c.has('card') && any(c, 'expiry', 'month', 'year', 'digits', 'number')) return yes('financial', 0.75, 'payment card details')
  if (c.has('salary') && (person || table.isPersonLinked)) return yes('financial', 0.75, "a person's income")
  if (c.has('measure') && measuresPeople(table)) return yes('health', 0.6, "a person's body measure")
  if (table.words.includes('document') && any(c, 'number') && (person || table.isPersonLinked))
    return yes('government_id', 0.6, "a number on a person's identity document")
  if (table.kind === 'health' && table.isPersonLinked && !c.has('at')) return yes('health', 0.6, 'part of a health record')
  return undefined
}

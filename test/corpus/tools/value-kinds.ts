/**
 * The value kinds the corpus generator can produce. Labels name them in
 * `personal[..].values` (a personal column whose category alone does not say
 * what it holds) and in `values` (a text or JSON column that is not personal).
 * A kind describes the shape of a value, not whether it is personal: `city`
 * on a person's address is personal, the same kind on a warehouse is not —
 * that is the label's call. A column without a kind gets a plain value
 * inferred from its name's category (personal) or its type.
 */
export const VALUE_KINDS = {
  // a person
  first_name: 'a given name', last_name: 'a family name', full_name: 'given and family name', display_name: 'a name as shown, sometimes a nickname',
  username: 'a login or handle', birth_date: 'a date of birth (or its text form)', gender: 'a gender word', nationality: 'a nationality or country',
  avatar_url: 'URL of a photo of a person', avatar_file: 'file name of a photo of a person',
  email: 'an e-mail address', phone: 'a phone number in E.164 or national form', website: 'a personal website URL', messenger_handle: 'a chat handle',
  // where
  street: 'street and number', address_line: 'a second address line', city: 'a city', region: 'a state or region', postcode: 'a postal code',
  country: 'a country name', country_code: 'an ISO 3166 alpha-2 code', full_address: 'a one-line postal address',
  latitude: 'a latitude in degrees', longitude: 'a longitude in degrees', coordinates: 'a "lat,lng" pair or point', place_name: 'a named place',
  // online identifiers
  ip: 'an IPv4 or IPv6 address', user_agent: 'a browser user agent', device_id: 'a device identifier', push_token: 'a push notification token',
  oauth_uid: "a provider's account id for a person", external_account_id: 'an account id in another system',
  payment_customer_id: "a payment provider's customer id (cus_…)", public_key: 'a public key (PEM or ssh-…)', session_id: 'a session identifier',
  // credentials
  password_hash: 'a bcrypt/argon2/pbkdf2 hash', salt: 'a random salt', api_token: 'an API token', session_token: 'a session token',
  reset_token: 'a password reset token', confirmation_token: 'an e-mail confirmation token', invitation_token: 'an invitation token',
  totp_secret: 'a base32 TOTP secret', backup_codes: 'a list of one-time backup codes', oauth_access_token: 'an OAuth access token',
  oauth_refresh_token: 'an OAuth refresh token', id_token: 'an OpenID Connect id token (JWT)', passkey_id: 'a WebAuthn credential id',
  passkey_public_key: 'a WebAuthn public key (COSE, base64)', private_key: 'a private key (PEM)', secret: 'an opaque secret string',
  // money
  iban: 'an IBAN', bank_account: 'a bank account number', card_number: 'a card number (Luhn-valid)', card_last4: 'the last four digits of a card',
  card_expiry: 'a card expiry (MM/YY)', card_brand: 'a card brand', salary: 'an amount of pay', amount: 'an amount of money',
  // government ids
  tax_id: 'a tax identification number', vat_number: 'an EU VAT number', company_number: 'a company registration number',
  national_id: 'a national identity number (SSN, CPF…)', passport_number: 'a passport number',
  // other personal
  signature: 'a typed signature', signature_image: 'a drawn signature as an image data URL', health_note: 'a note about health',
  free_text_personal: 'text written by or about a person', message_body: 'a chat or mail message', bio: 'a short self-description',
  search_query: 'a search typed by a person', page_path: 'a path a person visited', personal_json: 'JSON holding a person\'s details',
  // work objects and configuration
  org_name: 'an organisation name', team_name: 'a team name', project_name: 'a project name', product_name: 'a product name',
  tag: 'a short tag', title: 'a title of a work object', description: 'a description of a work object', slug: 'a URL slug',
  url: 'a URL of a system or resource', domain: 'a domain name', role_email: 'a role mailbox of an organisation (support@…)', settings_json: 'a settings/config JSON object', json: 'an arbitrary JSON document',
  code: 'a short code (SKU, key, reference)', enum_word: 'a status/kind word', html: 'an HTML fragment', markdown: 'a Markdown text',
  file_name: 'a file name', file_path: 'a file path', mime_type: 'a MIME type', color: 'a hex colour', version: 'a version string', sha: 'a hex digest',
  uuid_text: 'a UUID stored as text', locale: 'a locale (en, pt-BR)', timezone: 'an IANA time zone', currency: 'an ISO 4217 code',
  language: 'a language code', template: 'a text template with placeholders', event_name: 'an event or action name', class_name: 'a class or model name',
  key_name: 'a key or setting name', number_text: 'a number stored as text', word: 'a single word', ip_system: "a server's IP address",
  cron: 'a cron expression', regex: 'a regular expression', sql: 'an SQL fragment', public_token: 'a share token of an object, not of a person',
} as const

export type ValueKind = keyof typeof VALUE_KINDS

export const isValueKind = (name: string): name is ValueKind => Object.hasOwn(VALUE_KINDS, name)

/**
 * Values of the kinds that are not personal (organisation and tag names,
 * titles, settings JSON…), and the kind a text column without a label gets
 * from its name.
 */
import type {Value, ValueContext} from './personal-values.js'
import {Random, chars, int, pick, uuid} from './random.js'

const TAGS = [
  'billing',
  'urgent',
  'backend',
  'design',
  'marketing',
  'q3',
  'bug',
  'feature',
  'docs',
  'security',
  'mobile',
  'infra',
  'onboarding',
  'sales',
  'legal',
  'vip',
]
const WORDS = [
  'alpha',
  'amber',
  'basic',
  'cobalt',
  'delta',
  'ember',
  'fable',
  'gamma',
  'harbor',
  'indigo',
  'juniper',
  'kepler',
  'lumen',
  'matrix',
  'nova',
  'orbit',
  'prism',
  'quartz',
  'raven',
  'sierra',
  'tango',
  'umbra',
  'vertex',
  'willow',
]
const STATUS = ['active', 'pending', 'archived', 'draft', 'published', 'disabled', 'queued', 'done', 'failed', 'open', 'closed']
const EVENTS = ['user.signed_up', 'order.created', 'invoice.paid', 'status.deleted', 'member.invited', 'export.finished', 'page_view', 'message.sent']
const CLASSES = ['User', 'Account', 'Status', 'Organization', 'Project', 'Issue', 'Order', 'Invoice', 'Conversation', 'Message']
const MIME = ['image/png', 'image/jpeg', 'application/pdf', 'text/csv', 'video/mp4', 'application/json', 'text/plain']
const LOCALES = ['en', 'en-GB', 'de', 'pt-BR', 'fr', 'es', 'ja', 'nl']
const ZONES = ['UTC', 'Europe/London', 'Europe/Berlin', 'America/Sao_Paulo', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney']
const CURRENCIES = ['USD', 'EUR', 'GBP', 'BRL', 'JPY', 'CAD']
const EXTENSIONS = ['pdf', 'png', 'csv', 'jpg', 'docx', 'zip', 'mp4']

const titleCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const slugOf = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

function title(c: ValueContext): string {
  const l = c.person.locale
  return `${pick(c.random, l.workVerbs)} ${pick(c.random, l.workNouns)}${c.random() < 0.4 ? ` ${int(c.random, 2021, 2026)}` : ''}`
}

function orgName(c: ValueContext): string {
  const l = c.person.locale
  return l.code === 'pt' ? `${pick(c.random, l.orgWords)} ${pick(c.random, l.orgSuffixes)}` : `${pick(c.random, l.orgWords)} ${pick(c.random, l.orgSuffixes)}`
}

function description(c: ValueContext): string {
  const l = c.person.locale
  return `${pick(c.random, l.workVerbs)} the ${pick(c.random, l.workNouns)} for the ${pick(c.random, TAGS)} ${pick(c.random, ['team', 'workspace', 'quarter', 'launch'])}.`
}

export const PLAIN_VALUES: Record<string, (c: ValueContext) => Value> = {
  org_name: orgName,
  team_name: c => `${titleCase(pick(c.random, TAGS))} ${pick(c.random, ['Team', 'Squad', 'Guild', 'Crew'])}`,
  project_name: c => `${titleCase(pick(c.random, WORDS))} ${pick(c.random, ['API', 'App', 'Website', 'Migration', 'Platform'])}`,
  product_name: c => `${titleCase(pick(c.random, WORDS))} ${pick(c.random, ['T-Shirt', 'Mug', 'Backpack', 'Sneakers', 'Gift Card', 'Plan'])}`,
  tag: c => pick(c.random, TAGS),
  title,
  description,
  slug: c => slugOf(title(c)) + (c.random() < 0.5 ? `-${c.row}` : ''),
  url: c => `https://${pick(c.random, WORDS)}.example.${pick(c.random, ['com', 'org', 'io'])}/${slugOf(title(c))}`,
  domain: c => `${pick(c.random, WORDS)}${int(c.random, 1, 99)}.example.${pick(c.random, ['com', 'org', 'net', 'social'])}`,
  role_email: c =>
    `${pick(c.random, ['support', 'hello', 'info', 'billing', 'noreply', 'team', 'contact'])}@${pick(c.random, WORDS)}.example.${pick(c.random, ['com', 'org', 'io'])}`,
  settings_json: c => ({
    theme: pick(c.random, ['light', 'dark', 'auto']),
    notifications: c.random() < 0.5,
    page_size: pick(c.random, [20, 50, 100]),
    beta: {new_editor: c.random() < 0.3},
  }),
  json: c => ({version: int(c.random, 1, 5), items: [pick(c.random, WORDS), pick(c.random, WORDS)], enabled: c.random() < 0.5}),
  code: c => `${pick(c.random, ['SKU', 'INV', 'PRJ', 'REF', 'ORD'])}-${chars(c.random, 'digits', 5)}`,
  enum_word: c => pick(c.random, STATUS),
  html: c => `<p>${description(c)}</p><ul><li>${pick(c.random, TAGS)}</li></ul>`,
  markdown: c => `## ${title(c)}\n\n- ${description(c)}\n- See the ${pick(c.random, TAGS)} board.`,
  file_name: c => `${slugOf(title(c))}.${pick(c.random, EXTENSIONS)}`,
  file_path: c =>
    `uploads/${pick(c.random, ['media', 'exports', 'cache'])}/${chars(c.random, 'hex', 2)}/${chars(c.random, 'hex', 12)}.${pick(c.random, EXTENSIONS)}`,
  mime_type: c => pick(c.random, MIME),
  color: c => `#${chars(c.random, 'hex', 6)}`,
  version: c => `${int(c.random, 0, 9)}.${int(c.random, 0, 20)}.${int(c.random, 0, 30)}`,
  sha: c => chars(c.random, 'hex', 40),
  uuid_text: c => uuid(c.random),
  locale: c => pick(c.random, LOCALES),
  timezone: c => pick(c.random, ZONES),
  currency: c => pick(c.random, CURRENCIES),
  language: c => pick(c.random, ['en', 'de', 'pt', 'fr', 'es', 'ja']),
  template: c =>
    pick(c.random, [
      'Hello {{name}}, your order {{order_id}} has shipped.',
      'Hi %{username}, welcome to %{instance}!',
      'Olá {{nome}}, sua matrícula foi confirmada.',
    ]),
  event_name: c => pick(c.random, EVENTS),
  class_name: c => pick(c.random, CLASSES),
  key_name: c => `${pick(c.random, ['feature', 'limits', 'ui', 'mail'])}.${pick(c.random, WORDS)}_${pick(c.random, ['enabled', 'max', 'mode'])}`,
  number_text: c => String(int(c.random, 1, 99999)),
  word: c => pick(c.random, WORDS),
  ip_system: c => `10.${int(c.random, 0, 255)}.${int(c.random, 0, 255)}.${int(c.random, 1, 254)}`,
  cron: c => pick(c.random, ['0 * * * *', '*/15 * * * *', '0 3 * * 1', '30 2 1 * *']),
  regex: c => pick(c.random, ['^[a-z0-9_]+$', '\\d{4}-\\d{2}', '.*@example\\.com$']),
  sql: c => pick(c.random, ['SELECT count(*) FROM orders', "status = 'active'", "created_at > now() - interval '7 days'"]),
  public_token: c => chars(c.random, 'base62', 24),
}

/** Kinds for text columns nobody labelled, from the shape of their name alone. */
const NAME_SHAPES: Array<[RegExp, string]> = [
  [/(^|_)(url|uri|href|link|endpoint)s?$/, 'url'],
  [/(^|_)type$/, 'class_name'],
  [/(^|_)(locale|lang)$/, 'locale'],
  [/time_?zone/, 'timezone'],
  [/currency/, 'currency'],
  [/colou?r/, 'color'],
  [/slug/, 'slug'],
  [/(sha|checksum|fingerprint|etag)$/, 'sha'],
  [/(mime|content_type)/, 'mime_type'],
  [/file_?name/, 'file_name'],
  [/(path|key)$/, 'file_path'],
  [/(domain|host)/, 'domain'],
  [/version/, 'version'],
  [/(uuid|guid)$/, 'uuid_text'],
  [/(title|subject|heading)$/, 'title'],
  [/(status|state|kind|mode|level|role|scope|visibility|action)$/, 'enum_word'],
  [/(code|sku|reference|number)$/, 'code'],
  [/(description|summary|body|content|text|note)s?$/, 'description'],
  [/(settings|config|options|metadata|data|payload|params)$/, 'json'],
  [/name$/, 'project_name'],
]

export function plainKindFor(column: string): string | undefined {
  const name = column.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
  return NAME_SHAPES.find(([pattern]) => pattern.test(name))?.[1]
}

export const plainWord = (random: Random) => pick(random, WORDS)
export const plainPhrase = (random: Random) => `${titleCase(pick(random, WORDS))} ${pick(random, WORDS)} ${pick(random, TAGS)}`

import {gatherDatabase, gatherPlatform, hasPostgres} from '../check/context.js'
import {StoreEntry, inventory} from '../check/inventory.js'
import {isAboutPeople, tableFacts} from '../datamap/processing.js'
import {textIn} from '../datamap/processing-schema.js'
import type {Controller, Localized, Recipient} from '../datamap/processing-schema.js'
import {Category, DataMap, TableMap, subjectKinds} from '../datamap/schema.js'
import {humanName} from '../export/labels.js'
import type {HerokuApi} from '../heroku/api.js'
import {resolveDatabase} from '../heroku/resolve-database.js'
import {locate} from './locations.js'

/** A record of processing activities (Art. 30(1) GDPR), built from the data map, the app's inventory and the Data API. */
export interface RecordOfProcessing {
  app: string
  generatedAt: string
  /** (a) the controller, its representative and data protection officer. */
  controller: Omit<Controller, 'review'> | null
  /** (c) the categories of people. */
  dataSubjects: string[]
  /** (b), (c), (d), (f) per purpose: its legal basis, the data, who receives it and how long it is kept. */
  activities: Array<{
    purpose: string
    description: string
    legalBasis: string | null
    interest: string | null
    categories: Category[]
    tables: string[]
    recipients: string[]
    retention: string[]
  }>
  /** (d) every recipient, with its role. */
  recipients: Array<{
    id: string
    name: string
    role: Recipient['role']
    purpose: string | null
    country: string | null
    safeguard: string | null
    receives: 'all' | string[]
  }>
  /** (e) where the data is, and the safeguard for each place outside the EEA. */
  locations: Array<{what: string; where: string; country: string | null; inEea: boolean | null; safeguard: string | null}>
  /** (f) per table. */
  retention: Array<{table: string; period: string}>
  /** (g) technical and organisational measures, as the platform reports them. */
  security: Array<{measure: string; status: string; evidence: string}>
  stores: StoreEntry[]
  /** Entries of the map still marked review: true. */
  unreviewed: string[]
}

const en = (value: Localized | undefined | null) => (value ? textIn(value, 'en') : null)

function retentionOf(spec: TableMap | undefined, stated: Localized | undefined, columns?: string[]): string {
  const policy = spec?.retention
    ? `${spec.retention.action === 'delete' ? 'deleted' : 'anonymised'} ${spec.retention.after} after ${spec.retention.column} (privacy:retention:run)`
    : undefined
  const text = [en(stated), policy].filter(Boolean).join('; ') || 'not stated'
  return columns ? `${columns.join(', ')}: ${text}` : text
}

function activities(map: DataMap, tables: string[]): RecordOfProcessing['activities'] {
  return Object.entries(map.purposes ?? {}).map(([id, purpose]) => {
    const using = tables.flatMap(key => {
      const facts = tableFacts(map, key)
      const blocks = [{facts, columns: undefined as string[] | undefined}, ...facts.groups.map(g => ({facts: g, columns: g.columns}))]
      return blocks.filter(b => b.facts.purposes.some(p => p.id === id)).map(b => ({key, ...b}))
    })
    const categories = new Set<Category>()
    for (const {key, columns} of using) {
      for (const [name, column] of Object.entries(map.tables[key]?.columns ?? {}))
        if (column.category !== 'none' && (!columns || columns.includes(name))) categories.add(column.category)
    }
    return {
      purpose: id,
      description: en(purpose.description)!,
      legalBasis: purpose.legal_basis ?? null,
      interest: en(purpose.interest),
      categories: [...categories],
      tables: [...new Set(using.map(u => u.key))],
      recipients: [...new Set(using.flatMap(u => u.facts.recipients.map(r => r.recipient.name)))],
      retention: using.map(u => `${u.key}${u.columns ? ` (${u.columns.join(', ')})` : ''}: ${retentionOf(map.tables[u.key], u.facts.retention)}`),
    }
  })
}

export async function buildRecord(input: {map: DataMap; unreviewed: string[]; api: HerokuApi; app: string; now: Date}): Promise<RecordOfProcessing> {
  const {map, api} = input
  const platform = await gatherPlatform(api, input.app, input.now)
  const resolved = hasPostgres(platform) ? await resolveDatabase(api, {app: platform.app.name}).catch(() => undefined) : undefined
  const database = resolved ? await gatherDatabase(api, resolved) : undefined
  const stores = await inventory(api, platform.app.name)
  const tables = Object.keys(map.tables).filter(key => isAboutPeople(map, key))
  const referenced = (id: string) =>
    tables.filter(key => tableFacts(map, key).recipients.some(r => r.id === id) || tableFacts(map, key).groups.some(g => g.recipients.some(r => r.id === id)))
  const recipients = Object.entries(map.recipients ?? {}).map(([id, r]) => ({
    id,
    name: r.name,
    role: r.role,
    purpose: en(r.purpose),
    country: r.country ?? null,
    safeguard: r.safeguard ?? null,
    receives: r.all_data ? ('all' as const) : referenced(id),
  }))
  const where = (what: string, region: string | null | undefined, safeguard: string | null = null) => {
    const location = locate(region)
    return {
      what,
      where: region ?? 'unknown',
      country: location?.country ?? null,
      inEea: location?.inEea ?? null,
      safeguard: safeguard ?? (location && !location.inEea ? location.adequacy : null),
    }
  }
  const appRegion = platform.space?.region?.name ?? platform.app.region?.name
  const locations = [
    where(`app ${platform.app.name}${platform.space ? ` (space ${platform.space.name})` : ''}`, appRegion),
    ...(database ? [where(`database ${database.resolved.label}`, database.info.region ?? appRegion)] : []),
    ...recipients.filter(r => r.country).map(r => where(`recipient ${r.name}`, r.country, r.safeguard)),
  ]
  const drains = platform.drains.map(d => /^(https|syslog\+tls):\/\//i.test(d.url))
  // Only a team's member list says who uses two-factor authentication; collaborators of a personal app do not.
  const noTwoFactor = platform.teamMembers?.filter(m => !m.two_factor_authentication).length
  const security = [
    ...(database
      ? [
          {measure: 'Encryption at rest', status: database.info.encryptionAtRest ?? 'not reported', evidence: `Data API, ${database.resolved.label}`},
          {measure: 'TLS to the database', status: 'required', evidence: 'Heroku Postgres accepts TLS connections only; privacy:check tests a live session'},
          {
            measure: 'Continuous protection (point-in-time recovery)',
            status: database.info.continuousProtection ?? 'not reported',
            evidence: `Data API, ${database.resolved.label}`,
          },
          {measure: 'High availability', status: database.info.highAvailability ?? 'none', evidence: `Data API, ${database.resolved.label}`},
          {measure: 'Scheduled backups', status: database.schedules.length > 0 ? 'scheduled' : 'none', evidence: 'Data API transfer schedules'},
        ]
      : []),
    {
      measure: 'Shield Private Space',
      status: platform.space?.shield ? 'yes' : platform.space ? 'Private Space, not Shield' : 'no (Common Runtime)',
      evidence: 'Platform API app and space',
    },
    {
      measure: 'Log drains over TLS',
      status: drains.length === 0 ? 'no drains' : `${drains.filter(Boolean).length} of ${drains.length}`,
      evidence: 'Platform API log drains',
    },
    {
      measure: 'Two-factor authentication for people with access',
      status: noTwoFactor === undefined ? 'not reported (the app is not in a team)' : noTwoFactor === 0 ? 'all' : `${noTwoFactor} without`,
      evidence: 'Platform API team members',
    },
  ]
  const {review: _review, ...controller} = map.controller ?? {review: undefined}
  return {
    app: platform.app.name,
    generatedAt: input.now.toISOString(),
    controller: map.controller ? (controller as Omit<Controller, 'review'>) : null,
    dataSubjects: map.data_subjects ?? subjectKinds(map).map(kind => humanName(kind.table).toLowerCase()),
    activities: activities(map, tables),
    recipients,
    locations,
    retention: tables.flatMap(key => {
      const facts = tableFacts(map, key)
      return [
        {table: key, period: retentionOf(map.tables[key], facts.retention)},
        ...facts.groups.filter(g => g.retention).map(g => ({table: key, period: retentionOf(map.tables[key], g.retention, g.columns)})),
      ]
    }),
    security,
    stores,
    unreviewed: input.unreviewed,
  }
}

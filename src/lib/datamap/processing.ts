import type {LoadedDataMap} from './load.js'
import {lineOf} from './load.js'
import type {AutomatedDecision, Localized, Purpose, Recipient, Source} from './processing-schema.js'
import {DataMap, TableMap, edgesOf, kindOfTable} from './schema.js'

/** A table's (or a column group's) processing facts with the purposes and recipients it names looked up. */
export interface ResolvedFacts {
  purposes: Array<{id: string; purpose: Purpose}>
  recipients: Array<{id: string; recipient: Recipient}>
  /** The stated period or criteria. */
  retention?: Localized
  /** The table's retention policy, which privacy:retention:run applies. */
  policy?: TableMap['retention']
  source?: Source
  /** Undefined when the map does not say; an empty list when it says there are none. */
  decisions?: AutomatedDecision[]
}

export interface TableFacts extends ResolvedFacts {
  table: string
  groups: Array<{columns: string[]} & ResolvedFacts>
}

type FactsBlock = Pick<NonNullable<TableMap['processing']>, 'purposes' | 'recipients' | 'retention' | 'source' | 'automated_decisions'>

/** Recipients that receive everything in the map (the hosting provider), whatever the tables say. */
export function allDataRecipients(map: DataMap): Array<{id: string; recipient: Recipient}> {
  return Object.entries(map.recipients ?? {})
    .filter(([, r]) => r.all_data === true)
    .map(([id, recipient]) => ({id, recipient}))
}

function resolve(map: DataMap, block: FactsBlock | undefined, policy: TableMap['retention']): ResolvedFacts {
  const purposes = (block?.purposes ?? []).flatMap(id => (map.purposes?.[id] ? [{id, purpose: map.purposes[id]}] : []))
  const named = (block?.recipients ?? []).flatMap(id => (map.recipients?.[id] ? [{id, recipient: map.recipients[id]}] : []))
  const recipients = [...allDataRecipients(map), ...named.filter(n => n.recipient.all_data !== true)]
  return {purposes, recipients, retention: block?.retention, policy, source: block?.source, decisions: block?.automated_decisions}
}

/** What the map says about why and how one table is processed; a group inherits whatever it does not state itself. */
export function tableFacts(map: DataMap, key: string): TableFacts {
  const spec = map.tables[key]
  const processing = spec?.processing
  const table = resolve(map, processing, spec?.retention)
  const groups = (processing?.groups ?? []).map(group => {
    const merged: FactsBlock = {
      purposes: group.purposes ?? processing?.purposes,
      recipients: group.recipients ?? processing?.recipients,
      retention: group.retention ?? processing?.retention,
      source: group.source ?? processing?.source,
      automated_decisions: group.automated_decisions ?? processing?.automated_decisions,
    }
    return {columns: group.columns, ...resolve(map, merged, spec?.retention)}
  })
  return {table: key, ...table, groups}
}

/** Columns holding personal data (any category but none). */
export function personalColumns(spec: TableMap | undefined): string[] {
  return Object.entries(spec?.columns ?? {})
    .filter(([, c]) => c.category !== 'none')
    .map(([name]) => name)
}

/** The table holds data about people: the person's own table, rows tied to a person, or columns of personal data. */
export function isAboutPeople(map: DataMap, key: string): boolean {
  const spec = map.tables[key]
  return kindOfTable(map, key) !== undefined || edgesOf(spec ?? {}).length > 0 || personalColumns(spec).length > 0
}

/**
 * What of a table about people has no stated purpose: `rows` when the table
 * itself names none, else the personal columns whose group names none.
 */
export function withoutPurpose(map: DataMap, key: string): {rows: boolean; columns: string[]} {
  const spec = map.tables[key]
  if (!isAboutPeople(map, key)) return {rows: false, columns: []}
  if ((spec?.processing?.purposes ?? []).length === 0) return {rows: true, columns: personalColumns(spec)}
  const columns = personalColumns(spec).filter(column => spec?.processing?.groups?.find(g => g.columns.includes(column))?.purposes?.length === 0)
  return {rows: false, columns}
}

export interface ReviewMark {
  path: string
  line?: number
}

/** Every entry still marked `review: true` (a guess of privacy:scan nobody has confirmed), with its line. */
export function reviewMarks(loaded: Pick<LoadedDataMap, 'raw' | 'document' | 'lines'>): ReviewMark[] {
  const marks: ReviewMark[] = []
  const walk = (value: unknown, path: Array<string | number>): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]))
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>)
      if (entries.some(([key, v]) => key === 'review' && v === true)) marks.push({path: path.join('.') || '(top)', line: lineOf(loaded, path, 'review')})
      for (const [key, v] of entries) walk(v, [...path, key])
    }
  }
  walk(loaded.raw, [])
  return marks
}

export interface RecipientToTell {
  id: string
  name: string
  role: Recipient['role']
  /** The tables of the map it received, or all of them. */
  tables: string[] | 'all'
}

/**
 * Who received data from these tables, and so must be told of its erasure,
 * rectification or restriction (Art. 19 GDPR): the recipients the tables (and
 * their column groups) name, and those that receive everything.
 */
export function recipientsToTell(map: DataMap, tables: string[]): RecipientToTell[] {
  const found = new Map<string, RecipientToTell>()
  for (const key of tables) {
    if (!map.tables[key]) continue
    const facts = tableFacts(map, key)
    for (const {id, recipient} of [...facts.recipients, ...facts.groups.flatMap(g => g.recipients)]) {
      const entry = found.get(id) ?? {id, name: recipient.name, role: recipient.role, tables: recipient.all_data ? 'all' : []}
      if (entry.tables !== 'all' && !entry.tables.includes(key)) entry.tables.push(key)
      found.set(id, entry)
    }
  }
  return [...found.values()]
}

import {TableFacts, allDataRecipients, isAboutPeople, tableFacts} from '../datamap/processing.js'
import type {AutomatedDecision, Controller, Law, Localized, PurposeBasis, Recipient, Source} from '../datamap/processing-schema.js'
import type {Category, DataMap, TableMap} from '../datamap/schema.js'

/** The rights Art. 15(1)(e)–(f) and Art. 20–21 say a person must be told of, in the order the page lists them. */
export const RIGHTS = ['access', 'rectification', 'erasure', 'restriction', 'objection', 'portability', 'withdraw_consent', 'complaint'] as const
export type Right = (typeof RIGHTS)[number]

/**
 * What Art. 15(1)(a)–(h) GDPR says a person is owed beside their data, for
 * the tables that hold some of it: taken from the data map, the same in
 * manifest.json (for machines) and index.html (for the person).
 */
export interface Art15Facts {
  law: Law
  controller: Omit<Controller, 'review'> | null
  /** (a) purposes, with their legal bases. */
  purposes: Array<{id: string; description: Localized; legalBasis: PurposeBasis | null; interest: Localized | null; tables: string[]}>
  /** (b) the categories of personal data. */
  categories: Array<{category: Category; tables: string[]}>
  /** (c) recipients, with where they are and the safeguard for a transfer. */
  recipients: Array<{
    id: string
    name: string
    role: Recipient['role']
    purpose: Localized | null
    country: string | null
    safeguard: string | null
    tables: string[] | 'all'
  }>
  /** (d) how long each table, or column group, is kept. */
  retention: Array<{table: string; columns: string[] | null; stated: Localized | null; policy: TableMap['retention'] | null}>
  /** (g) where data not collected from the person came from. */
  sources: Array<{source: Source; tables: string[]}>
  /** (h) automated decisions, including profiling; null when the map does not say for some table. */
  automatedDecisions: Array<AutomatedDecision & {tables: string[]}> | null
  /** (e), (f) and Art. 20–21: the rights to tell the person of. */
  rights: Right[]
  /** Items the map does not state for some table, so the page says so instead of guessing. */
  unstated: string[]
  /** Entries the map still marks `review: true`: the admin should not send an archive that repeats a guess. */
  unreviewed: string[]
}

function addTo<K>(index: Map<string, {key: K; tables: string[]}>, id: string, key: K, table: string): void {
  const entry = index.get(id) ?? {key, tables: []}
  if (!entry.tables.includes(table)) entry.tables.push(table)
  index.set(id, entry)
}

/** Builds the Art. 15 facts for the tables the archive holds rows of. */
export function buildArt15Facts(map: DataMap, tables: string[]): Art15Facts {
  const about = tables.filter(t => map.tables[t] !== undefined && isAboutPeople(map, t))
  const facts: TableFacts[] = about.map(t => tableFacts(map, t))
  const purposes = new Map<string, {key: string; tables: string[]}>()
  const recipients = new Map<string, {key: string; tables: string[]}>()
  const sources = new Map<string, {key: Source; tables: string[]}>()
  const categories = new Map<string, {key: Category; tables: string[]}>()
  const decisions: Array<AutomatedDecision & {tables: string[]}> = []
  const retention: Art15Facts['retention'] = []
  const unstated = new Set<string>()
  for (const table of facts) {
    for (const [, column] of Object.entries(map.tables[table.table]?.columns ?? {}))
      if (column.category !== 'none') addTo(categories, column.category, column.category, table.table)
    for (const block of [table, ...table.groups]) {
      for (const {id} of block.purposes) addTo(purposes, id, id, table.table)
      for (const {id} of block.recipients) addTo(recipients, id, id, table.table)
      if (block.source) addTo(sources, JSON.stringify(block.source), block.source, table.table)
      for (const decision of block.decisions ?? []) {
        const same = decisions.find(d => JSON.stringify({...d, tables: []}) === JSON.stringify({...decision, tables: []}))
        if (same) same.tables.push(table.table)
        else decisions.push({...decision, tables: [table.table]})
      }
      if (block.purposes.length === 0) unstated.add('purposes')
      if (!block.source) unstated.add('source')
      if (!block.decisions) unstated.add('automated_decisions')
      if (!block.retention && !block.policy) unstated.add('retention')
      retention.push({
        table: table.table,
        columns: 'columns' in block ? (block as {columns: string[]}).columns : null,
        stated: block.retention ?? null,
        policy: block.policy ?? null,
      })
    }
  }
  if (!map.controller) unstated.add('controller')
  if (!map.controller?.authority) unstated.add('authority')
  const everything = new Set(allDataRecipients(map).map(r => r.id))
  const usedPurposes = [...purposes.entries()].map(([id, {tables: t}]) => ({id, purpose: map.purposes![id]!, tables: t}))
  const {review: _review, ...controller} = map.controller ?? {review: undefined}
  return {
    law: map.law ?? 'gdpr',
    controller: map.controller ? (controller as Omit<Controller, 'review'>) : null,
    purposes: usedPurposes.map(({id, purpose, tables: t}) => ({
      id,
      description: purpose.description,
      legalBasis: purpose.legal_basis ?? null,
      interest: purpose.interest ?? null,
      tables: t,
    })),
    categories: [...categories.values()].map(({key, tables: t}) => ({category: key, tables: t})),
    recipients: [...recipients.entries()].map(([id, {tables: t}]) => {
      const r = map.recipients![id]!
      return {
        id,
        name: r.name,
        role: r.role,
        purpose: r.purpose ?? null,
        country: r.country ?? null,
        safeguard: r.safeguard ?? null,
        tables: everything.has(id) ? ('all' as const) : t,
      }
    }),
    retention,
    sources: [...sources.values()].map(({key, tables: t}) => ({source: key, tables: t})),
    automatedDecisions: unstated.has('automated_decisions') && decisions.length === 0 ? null : decisions,
    rights: RIGHTS.filter(right => right !== 'withdraw_consent' || usedPurposes.some(p => p.purpose.legal_basis === 'consent')),
    unstated: [...unstated],
    unreviewed: unreviewedEntries(map, about),
  }
}

function unreviewedEntries(map: DataMap, tables: string[]): string[] {
  return [
    ...(map.controller?.review ? ['controller'] : []),
    ...Object.entries(map.purposes ?? {})
      .filter(([, p]) => p.review)
      .map(([id]) => `purposes.${id}`),
    ...Object.entries(map.recipients ?? {})
      .filter(([, r]) => r.review)
      .map(([id]) => `recipients.${id}`),
    ...tables.filter(t => map.tables[t]?.processing?.review).map(t => `tables.${t}.processing`),
  ]
}

import {Document, isMap, isSeq} from 'yaml'

import {isAboutPeople} from './processing.js'
import type {Controller, Processing, Purpose, Recipient} from './processing-schema.js'
import type {DataMap, TableMap} from './schema.js'

/**
 * The processing facts privacy:scan cannot know, written as sensible guesses
 * marked `review: true`: privacy:check fails until a person has confirmed or
 * corrected each one, and an export warns while any is left.
 */

const CONTROLLER: Controller = {
  name: 'Name of the organisation that decides why and how this data is processed',
  contact: 'privacy@example.com',
  authority: {name: 'The data protection authority where the organisation is established', url: 'https://edpb.europa.eu/about-edpb/about-edpb/members_en'},
  review: true,
}

const PURPOSES: Record<'service' | 'customer_relations', Purpose> = {
  service: {description: 'Provide the service the person signed up for', legal_basis: 'contract', review: true},
  customer_relations: {
    description: 'Keep customer records in Salesforce and look after the relationship',
    legal_basis: 'legitimate_interests',
    interest: 'Knowing who our customers are and answering their questions',
    review: true,
  },
}

const RECIPIENTS: Record<'heroku' | 'salesforce', Recipient> = {
  heroku: {name: 'Salesforce, Inc. (Heroku)', role: 'processor', purpose: 'Hosts the app, its databases and its logs', all_data: true, review: true},
  salesforce: {
    name: 'Salesforce org synced by Heroku Connect',
    role: 'processor',
    purpose: 'Keeps the customer records the app shares with Salesforce',
    review: true,
  },
}

/** Data the person does not type in but that their use of the service produces. */
const OBSERVED = new Set(['behavioral', 'online_id'])

function tablePlaceholder(spec: TableMap): Processing {
  const categories = new Set(
    Object.values(spec.columns ?? {})
      .map(c => c.category)
      .filter(c => c !== 'none'),
  )
  const connect = spec.connect === true
  return {
    purposes: [connect ? 'customer_relations' : 'service'],
    ...(connect ? {recipients: ['salesforce']} : {}),
    ...(spec.retention ? {} : {retention: connect ? 'As long as the record is kept in Salesforce' : 'As long as the account exists'}),
    source: connect ? 'salesforce' : [...categories].every(c => OBSERVED.has(c)) ? 'observed' : 'person',
    automated_decisions: [],
    review: true,
  }
}

export interface Placeholders {
  controller?: Controller
  purposes: Record<string, Purpose>
  recipients: Record<string, Recipient>
  /** Table → its placeholder processing block. */
  tables: Record<string, Processing>
}

/** What the map lacks: the controller, the purposes and recipients its tables would name, and each personal table's processing. */
export function missingProcessingFacts(map: DataMap): Placeholders {
  const result: Placeholders = {purposes: {}, recipients: {}, tables: {}}
  if (!map.controller) result.controller = CONTROLLER
  for (const [key, spec] of Object.entries(map.tables)) {
    if (spec.processing || !isAboutPeople(map, key)) continue
    const block = tablePlaceholder(spec)
    result.tables[key] = block
    for (const id of block.purposes ?? []) if (!map.purposes?.[id]) result.purposes[id] = PURPOSES[id as keyof typeof PURPOSES]
    for (const id of block.recipients ?? []) if (!map.recipients?.[id]) result.recipients[id] = RECIPIENTS[id as keyof typeof RECIPIENTS]
  }
  if (Object.keys(result.tables).length > 0 && !map.recipients?.heroku && !Object.values(map.recipients ?? {}).some(r => r.all_data))
    result.recipients.heroku = RECIPIENTS.heroku
  return result
}

/** A map being built from scratch, with the placeholders added (the controller, purposes and recipients first, as a reader looks for them). */
export function withProcessingPlaceholders(map: DataMap): DataMap {
  const missing = missingProcessingFacts(map)
  for (const [key, block] of Object.entries(missing.tables)) map.tables[key]!.processing = block
  const {version, ...rest} = map
  return {
    version,
    ...(missing.controller || map.controller ? {controller: map.controller ?? missing.controller} : {}),
    ...(map.purposes || Object.keys(missing.purposes).length > 0 ? {purposes: {...map.purposes, ...missing.purposes}} : {}),
    ...(map.recipients || Object.keys(missing.recipients).length > 0 ? {recipients: {...map.recipients, ...missing.recipients}} : {}),
    ...rest,
  }
}

/** Adds the placeholders to a reviewed map's document, leaving everything a person wrote as it is. */
export function addProcessingPlaceholdersToDocument(document: Document, map: DataMap): string[] {
  const missing = missingProcessingFacts(map)
  const added: string[] = []
  if (missing.controller) {
    document.setIn(['controller'], document.createNode(missing.controller))
    added.push('controller')
  }
  for (const field of ['purposes', 'recipients'] as const) {
    for (const [id, entry] of Object.entries(missing[field])) {
      if (!isMap(document.getIn([field], true))) document.setIn([field], document.createNode({}))
      document.setIn([field, id], document.createNode(entry))
      added.push(`${field}.${id}`)
    }
  }
  for (const [key, block] of Object.entries(missing.tables)) {
    document.setIn(['tables', key, 'processing'], document.createNode(block))
    added.push(`${key} processing`)
  }
  return added
}

/** Short lists in processing blocks print on one line: `purposes: [service]`. */
export function styleProcessing(document: Document, tables: Iterable<string>): void {
  for (const table of tables) {
    for (const field of ['purposes', 'recipients', 'automated_decisions']) {
      const node = document.getIn(['tables', table, 'processing', field], true)
      if (isSeq(node) && node.items.every(item => !isMap(item))) node.flow = true
    }
  }
}

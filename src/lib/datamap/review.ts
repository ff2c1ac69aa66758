import {Document, YAMLMap, YAMLSeq, isMap, isScalar, isSeq} from 'yaml'

import {loadDataMap} from './load.js'
import {writeMapFile} from './save.js'
import type {Category} from './schema.js'

/** One thing the scan was not sure of, for a person to decide. */
export type ReviewItem =
  | {kind: 'column'; table: string; column: string; category: Category; confidence: number; evidence: string[]; shapes: string[]}
  | {kind: 'reference'; table: string; column: string; to: string; matched: number; sampled: number; reason: string}

export type ReviewAction = 'accept' | 'reject' | 'skip' | {category: Category}

export interface ReviewDecision {
  item: ReviewItem
  action: ReviewAction
}

export interface ReviewOutcome {
  accepted: number
  changed: number
  rejected: number
  skipped: number
}

function columnNode(document: Document, item: Extract<ReviewItem, {kind: 'column'}>): YAMLMap | undefined {
  const node = document.getIn(['tables', item.table, 'columns', item.column], true)
  return isMap(node) ? node : undefined
}

/** Sets a column's category, keeping its comment; a column that holds nothing personal loses its strategy and keys. */
function setCategory(document: Document, item: Extract<ReviewItem, {kind: 'column'}>, category: Category): boolean {
  const node = columnNode(document, item)
  if (!node) return false
  node.set('category', category)
  if (category === 'none') {
    node.delete('erase')
    node.delete('keys')
  } else if (!node.has('erase')) {
    node.set('erase', category === 'identity' || category === 'free_text' ? 'redact' : 'null')
  }
  const evidence = (node.comment ?? '').replace(/^ reviewed: [a-z_]+;?/, '').trim()
  node.comment = ` reviewed: ${category}${evidence ? `; ${evidence}` : ''}`
  return true
}

function edgesNode(document: Document, table: string): {via: YAMLMap | YAMLSeq | undefined; owner: YAMLMap | undefined} {
  const owner = document.getIn(['tables', table], true)
  const via = isMap(owner) ? owner.get('via', true) : undefined
  return {via: isMap(via) || isSeq(via) ? via : undefined, owner: isMap(owner) ? owner : undefined}
}

const isEdge = (node: unknown, item: Extract<ReviewItem, {kind: 'reference'}>) =>
  isMap(node) && node.get('column') === item.column && node.get('to') === item.to

/** Confirms a proposed reference (drops `proposed`) or removes it from the table's `via`. */
function decideReference(document: Document, item: Extract<ReviewItem, {kind: 'reference'}>, accept: boolean): boolean {
  const {via, owner} = edgesNode(document, item.table)
  const edges = isSeq(via) ? via.items : via ? [via] : []
  const edge = edges.find(e => isEdge(e, item)) as YAMLMap | undefined
  if (!edge && accept && owner) {
    // A reference the scan only reported (another role of a table already reached): accepting it writes it.
    const added = document.createNode({column: item.column, to: item.to}) as YAMLMap
    added.comment = ' reviewed: added'
    owner.set('via', isSeq(via) ? [...via.items, added] : via ? [via, added] : added)
    return true
  }
  if (!edge || !owner) return false
  if (accept) {
    edge.delete('proposed')
    edge.comment = ' reviewed: confirmed'
    return true
  }
  if (isSeq(via)) {
    via.items = via.items.filter(e => e !== edge)
    if (via.items.length === 1) owner.set('via', via.items[0])
  } else {
    owner.delete('via')
  }
  const tables = document.getIn(['tables'], true)
  const pair = !owner.has('via') && isMap(tables) ? tables.items.find(p => isScalar(p.key) && p.key.value === item.table) : undefined
  if (pair && isScalar(pair.key)) pair.key.commentBefore = ' reviewed: the proposed reference was rejected; add a via edge, or move the table to exclude'
  return true
}

/**
 * Applies a reviewer's decisions to a loaded map's document, keeping every
 * comment and edit that is not decided. A decision about an entry the map no
 * longer has (a person removed it meanwhile) counts as skipped.
 */
export function applyReview(document: Document, decisions: ReviewDecision[]): ReviewOutcome {
  const outcome: ReviewOutcome = {accepted: 0, changed: 0, rejected: 0, skipped: 0}
  for (const {item, action} of decisions) {
    let applied = false
    if (action !== 'skip') {
      if (item.kind === 'reference') applied = decideReference(document, item, action === 'accept')
      else applied = setCategory(document, item, action === 'accept' ? item.category : action === 'reject' ? 'none' : action.category)
    }
    if (!applied) outcome.skipped++
    else if (action === 'accept') outcome.accepted++
    else if (action === 'reject') outcome.rejected++
    else outcome.changed++
  }
  return outcome
}

/** Saves a review into the map file: loads it (so edits made meanwhile are kept), applies the decisions, writes it whole. */
export async function saveReview(file: string, decisions: ReviewDecision[]): Promise<ReviewOutcome> {
  const loaded = await loadDataMap(file)
  const outcome = applyReview(loaded.document, decisions)
  await writeMapFile(file, loaded.document)
  return outcome
}

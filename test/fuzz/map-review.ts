import {readFile, writeFile} from 'node:fs/promises'

import {Document, isMap, isSeq, parseDocument} from 'yaml'

import type {ReviewerEdit} from './model.js'

/**
 * What a reviewer does to the scanned map before erasing: confirm every
 * proposed reference (remove `proposed: true`), then the case's own edits.
 * Returns the edits that did not apply (their table or column is not mapped).
 */
export async function reviewMap(file: string, edits: ReviewerEdit[]): Promise<string[]> {
  const document = parseDocument(await readFile(file, 'utf8'))
  const tables = document.get('tables', true)
  if (isMap(tables)) {
    for (const pair of tables.items) {
      const via = isMap(pair.value) ? pair.value.get('via', true) : undefined
      for (const edge of isSeq(via) ? via.items : [via]) if (isMap(edge)) edge.delete('proposed')
    }
  }
  const skipped = edits.filter(edit => !applyEdit(document, edit))
  await writeFile(file, document.toString())
  return skipped.map(e => `${e.kind} ${e.table}${e.kind === 'column-strategy' ? `.${e.column}` : ''}: not in the map`)
}

function applyEdit(document: Document, edit: ReviewerEdit): boolean {
  if (!document.hasIn(['tables', edit.table])) return false
  if (edit.kind === 'add-via') {
    if (document.hasIn(['tables', edit.table, 'via'])) return false
    document.setIn(['tables', edit.table, 'via'], document.createNode({column: edit.column, to: edit.to}))
    return true
  }
  if (edit.kind === 'table-strategy') {
    document.setIn(['tables', edit.table, 'erase'], edit.erase)
    return true
  }
  if (!document.hasIn(['tables', edit.table, 'columns', edit.column])) return false
  document.setIn(['tables', edit.table, 'columns', edit.column], document.createNode({category: edit.category, erase: edit.erase}))
  return true
}
